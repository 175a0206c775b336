// helpsite default theme: small enhancements over pages that work without it.
(function () {
  "use strict";

  // --- FAQ: open the question a link points at; expand or collapse all. ---
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    var details = el && (el.tagName === "DETAILS" ? el : el.closest("details"));
    if (details) {
      details.open = true;
      el.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openTarget);

  function setupFaq() {
    var toggle = document.querySelector(".faq-toggle");
    if (!toggle) return;
    var items = Array.prototype.slice.call(document.querySelectorAll("details.faq-item"));
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var expand = toggle.getAttribute("aria-expanded") !== "true";
      items.forEach(function (d) { d.open = expand; });
      toggle.setAttribute("aria-expanded", String(expand));
      toggle.textContent = expand ? toggle.dataset.collapse : toggle.dataset.expand;
    });
  }
  // Printed FAQs show every answer.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  // --- Remember a language the visitor picked, for the site's entry page. ---
  function setupLanguageChoice() {
    document.querySelectorAll(".lang-switcher a[hreflang]").forEach(function (a) {
      a.addEventListener("click", function () {
        try { localStorage.setItem("helpsite-lang", a.getAttribute("hreflang")); } catch (e) { /* private mode */ }
      });
    });
  }

  // --- Thank-you page: show the reference the handler sent back. ---
  function showReference() {
    var box = document.querySelector(".reference");
    if (!box) return;
    var ref = new URLSearchParams(location.search).get("ref");
    if (ref && /^[A-Za-z0-9-]{4,40}$/.test(ref)) {
      box.querySelector(".reference-value").textContent = ref;
      box.hidden = false;
    }
  }

  // --- Error page: say which problem the handler reported. ---
  function showErrorReason() {
    var code = new URLSearchParams(location.search).get("code");
    if (!code) return;
    document.querySelectorAll(".error-reasons li[data-code]").forEach(function (li) {
      if (li.getAttribute("data-code") === code) li.hidden = false;
    });
  }

  // --- Contact form: JSON post, errors beside their fields, nothing typed is lost. ---
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // A site's own fields show (and are required) only for the topics they are
  // for. Hidden ones are disabled, so they are neither checked nor sent; the
  // note naming their topics is for readers without this script.
  function setupTopicFields(form) {
    var fields = form.querySelectorAll(".field-extra");
    var live = form.querySelector(".fields-status");
    var topic = form.elements.topic;
    if (!fields.length || !topic) return function () {};
    var shownBefore = "";
    function ids(el, name) { return (el.getAttribute(name) || "").split(" ").filter(Boolean); }
    fields.forEach(function (box) {
      var input = box.querySelector("input, select");
      var topics = document.getElementById(input.id + "-topics");
      if (topics) {
        var described = (input.getAttribute("aria-describedby") || "").split(" ");
        input.setAttribute("aria-describedby", described.filter(function (x) { return x !== topics.id; }).join(" "));
      }
    });
    function sync(announce) {
      var chosen = topic.value;
      var labels = [];
      fields.forEach(function (box) {
        var input = box.querySelector("input, select");
        var limited = box.hasAttribute("data-topics");
        var shown = !limited || ids(box, "data-topics").indexOf(chosen) >= 0;
        var required = shown && ids(box, "data-required-for").indexOf(chosen) >= 0;
        box.classList.toggle("is-shown", shown);
        input.disabled = !shown;
        input.required = required;
        box.querySelector(".req").hidden = !required;
        if (shown && limited) labels.push(box.querySelector("label").firstChild.textContent.trim());
      });
      var now = labels.join(", ");
      if (announce && live && now !== shownBefore) {
        live.textContent = now ? live.dataset.forTopic.replace("{fields}", now) : live.dataset.none;
      }
      shownBefore = now;
    }
    topic.addEventListener("change", function () { sync(true); });
    // A form the browser restored (back button) keeps its topic.
    window.addEventListener("pageshow", function () { sync(false); });
    sync(false);
    return sync;
  }

  function setupForm() {
    var form = document.getElementById("contact-form");
    if (!form) return;
    var d = form.dataset;
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".form-status");
    var alertBox = form.querySelector(".form-alert");
    form.noValidate = true; // our messages are in the page's language, the browser's may not be
    form.elements.started_at.value = String(Date.now());
    form.elements.submission_id.value = uuid();
    var syncTopicFields = setupTopicFields(form);

    // Messages the handler wrote in another language (a fallback) carry
    // that language and its direction.
    function mark(el, lang, dir) {
      if (lang && lang !== document.documentElement.lang) {
        el.setAttribute("lang", lang);
        if (dir) el.setAttribute("dir", dir);
      }
    }

    function fieldError(name, message, lang, dir) {
      var input = form.elements[name];
      var slot = document.getElementById("f-" + name + "-error");
      if (input && slot && input.type !== "hidden") {
        slot.textContent = message;
        mark(slot, lang, dir);
        input.setAttribute("aria-invalid", "true");
        return input;
      }
      return null;
    }

    function clearErrors() {
      form.querySelectorAll(".field-error").forEach(function (p) {
        p.textContent = "";
        p.removeAttribute("lang");
        p.removeAttribute("dir");
      });
      alertBox.removeAttribute("lang");
      alertBox.removeAttribute("dir");
      form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
      alertBox.hidden = true;
      alertBox.textContent = "";
      status.textContent = "";
    }

    function showAlert(text) {
      alertBox.textContent = text;
      alertBox.hidden = false;
      alertBox.focus();
    }

    function validate() {
      var first = null;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" || el.closest(".hp")) return;
        var value = el.value.trim();
        var message = null;
        if (el.disabled) return;
        if (el.required && !value) message = el.dataset.errorRequired || d.errorRequired;
        else if (el.type === "email" && value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) message = d.errorEmail;
        else if (el.maxLength > 0 && value.length > el.maxLength) message = d.errorTooLong;
        if (message) {
          var input = fieldError(el.name, message);
          first = first || input;
        }
      });
      return first;
    }

    function payload() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.disabled) data[el.name] = el.value;
      });
      return data;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var invalid = validate();
      if (invalid) {
        invalid.focus();
        return;
      }
      button.disabled = true;
      status.textContent = d.sending;
      fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(payload())
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return { status: response.status, body: body };
        });
      }).then(function (r) {
        if (r.body && r.body.ok) {
          status.textContent = d.success.replace("{reference}", r.body.reference);
          form.reset();
          syncTopicFields(false);
          form.elements.submission_id.value = uuid();
          form.elements.started_at.value = String(Date.now());
          status.focus && status.setAttribute("tabindex", "-1");
          status.focus();
          return;
        }
        status.textContent = "";
        var first = null;
        var general = [];
        if (r.status < 500 && r.body && r.body.errors) {
          r.body.errors.forEach(function (e) {
            var input = e.field ? fieldError(e.field, e.message, r.body.lang, r.body.dir) : null;
            if (input) first = first || input;
            else general.push(e.message);
          });
        }
        if (general.length || !first) {
          // A server or network failure: keep everything, ask to retry.
          showAlert(general.length ? general.join(" ") : d.retry);
          if (general.length) mark(alertBox, r.body.lang, r.body.dir);
        } else {
          first.focus();
        }
      }).catch(function () {
        status.textContent = "";
        showAlert(d.retry);
      }).then(function () {
        button.disabled = false;
      });
    });
  }

  // --- Search: nothing is fetched until the visitor turns to the box. ---
  function setupSearchLoader() {
    var form = document.querySelector("form.search-form");
    var input = form && form.querySelector("#search-input");
    if (!input || !form.dataset.searchScript) return;
    var loaded = false;
    function load() {
      if (loaded) return;
      loaded = true;
      var script = document.createElement("script");
      script.src = form.dataset.searchScript;
      document.head.appendChild(script);
    }
    ["focus", "input", "pointerdown"].forEach(function (type) {
      input.addEventListener(type, load, { once: true });
    });
    // The results page searches at once for its ?q=.
    if (document.getElementById("search-page")) load();
  }

  // --- "/" or Ctrl+K (⌘K) moves to the search box, unless typing elsewhere. ---
  function setupSearchShortcut() {
    var input = document.getElementById("search-input");
    if (!input) return;
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      var slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing;
      var k = (e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K");
      if ((slash || k) && t !== input) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  function start() {
    setupFaq();
    setupSearchShortcut();
    openTarget();
    setupLanguageChoice();
    showReference();
    showErrorReason();
    setupForm();
    setupSearchLoader();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
