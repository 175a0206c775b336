// helpsite default theme: "Was this helpful?", suggested answers on the
// contact form, and (when the site turns them on) insights about searches
// that found nothing. Every part works as a plain form or link without it.
//
// Nothing identifies the visitor: a random id per page view lets the handler
// count a repeated vote once; it is never stored in the browser.
(function () {
  "use strict";

  var VIEW = (function () {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  })();
  var SHOWN_AT = Date.now();
  var LANG = document.documentElement.lang || "en";

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(data).toString()
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false }; }).then(function (j) {
        if (!r.ok || !j.ok) throw new Error((j.errors && j.errors[0] && j.errors[0].message) || String(r.status));
        return j;
      });
    });
  }

  // --------------------------------------------------------- "Was this helpful?"

  function open(el) { if (el) el.classList.add("is-open"); }

  function setupWidget(box, question) {
    var status = box.querySelector(".feedback-status");
    var more = box.querySelector(".feedback-more");
    var thanks = box.querySelector(".feedback-thanks");
    var say = function (t) { status.textContent = t; };
    box.querySelectorAll("form").forEach(function (form) {
      form.querySelector("[name=view]").value = VIEW;
      form.querySelector("[name=question]").value = question || "";
      var started = form.querySelector("[name=started_at]");
      if (started) started.value = String(SHOWN_AT);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var data = new FormData(form);
        if (e.submitter && e.submitter.name) data.set(e.submitter.name, e.submitter.value);
        var vote = data.get("vote");
        say(box.dataset.sending || "");
        post(form.action, data).then(function () {
          say("");
          if (vote === "no") {
            form.hidden = true;
            open(more);
            more.focus();
          } else {
            form.hidden = true;
            if (more) more.classList.remove("is-open");
            open(thanks);
            thanks.focus();
          }
        }).catch(function (err) {
          say(err.message && !/^\d+$/.test(err.message) ? err.message : box.dataset.error || "");
        });
      });
    });
  }

  /** A copy of the page's widget in every FAQ answer, voting for that question. */
  function cloneIntoAnswers(template) {
    document.querySelectorAll("details.faq-item").forEach(function (item) {
      var answer = item.querySelector(".faq-answer");
      if (!answer || !item.id) return;
      var box = template.cloneNode(true);
      var suffix = "-" + item.id;
      box.removeAttribute("id");
      box.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + suffix; });
      box.querySelectorAll("label[for]").forEach(function (l) { l.htmlFor = l.htmlFor + suffix; });
      box.setAttribute("aria-labelledby", "feedback-title" + suffix);
      var title = box.querySelector(".feedback-title");
      // A heading one level below the question's own.
      var h = document.createElement("p");
      h.className = title.className;
      h.id = title.id;
      h.textContent = template.dataset.answerQuestion || title.textContent;
      h.setAttribute("role", "heading");
      h.setAttribute("aria-level", "3");
      title.replaceWith(h);
      answer.appendChild(box);
      setupWidget(box, item.id);
    });
  }

  function setupFeedback() {
    var box = document.getElementById("feedback");
    if (!box) return;
    var hash = location.hash.slice(1);
    if (/^feedback-(more|thanks|error)$/.test(hash)) return; // the no-JavaScript flow is mid-way: leave it
    cloneIntoAnswers(box);
    setupWidget(box, "");
  }

  // ---------------------------------------------------------------- insights

  var insightsUrl = (document.querySelector('meta[name="helpsite-insights"]') || {}).content;
  var sent = {};

  function beacon(kind, lang, query) {
    if (!insightsUrl || !query) return;
    var key = kind + " " + lang + " " + query;
    if (sent[key]) return;
    sent[key] = true;
    var body = new URLSearchParams({ lang: lang, kind: kind, query: query, view: VIEW });
    if (navigator.sendBeacon) navigator.sendBeacon(insightsUrl, body);
  }

  // search.js announces each result; a query that found nothing is reported
  // once the visitor stops typing (or leaves), not for every prefix typed.
  var lastZero = null, zeroTimer = null;
  function flushZero() {
    clearTimeout(zeroTimer);
    if (lastZero) beacon("zero_hits", lastZero.lang, lastZero.query);
    lastZero = null;
  }
  function setupInsights() {
    if (!insightsUrl) return;
    document.addEventListener("helpsite:search", function (e) {
      var d = e.detail || {};
      clearTimeout(zeroTimer);
      lastZero = d.hits === 0 && d.query ? { lang: d.lang, query: d.query } : null;
      if (lastZero) zeroTimer = setTimeout(flushZero, 1500);
    });
    addEventListener("pagehide", flushZero);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flushZero(); });
  }

  // ------------------------------------------- suggested answers (contact form)

  function loadSearch(src) {
    if (window.helpsiteSearch) return Promise.resolve(window.helpsiteSearch);
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { window.helpsiteSearch ? resolve(window.helpsiteSearch) : reject(new Error("search")); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function setupSuggestions() {
    var contact = document.getElementById("contact-form");
    var region = document.getElementById("suggestions");
    var search = document.querySelector("form.search-form");
    if (!contact || !region || !search || !search.dataset.searchScript) return;
    var message = contact.querySelector("[name=message]");
    var base = search.dataset.searchIndex || "/search/";
    var cjk = /^(zh|ja|ko)\b/.test(LANG);
    var engine = null, timer = null, seq = 0, shown = "";
    function render(docs, query) {
      region.textContent = "";
      if (!docs.length) return;
      var p = document.createElement("p");
      p.textContent = region.dataset.title || "";
      var ul = document.createElement("ul");
      docs.forEach(function (d) {
        var a = document.createElement("a");
        a.href = d.url;
        a.textContent = d.heading || d.title;
        a.addEventListener("click", function () { beacon("suggestion_opened", LANG, query); });
        var li = document.createElement("li");
        li.appendChild(a);
        ul.appendChild(li);
      });
      region.appendChild(p);
      region.appendChild(ul);
    }
    function run() {
      var text = message.value.trim();
      var mine = ++seq;
      if (Array.from(text).length < (cjk ? 2 : 3)) { region.textContent = ""; shown = ""; return; }
      loadSearch(search.dataset.searchScript).then(function (api) {
        if (!engine) {
          engine = new api.Engine(function (l, path) {
            return fetch(base + l + "/" + path).then(function (r) {
              if (!r.ok) throw new Error(String(r.status));
              return r.json();
            });
          });
        }
        var query = api.queryWords(text).join(" ");
        return engine.search([LANG], text).then(function (result) {
          var top = result.hits.slice(0, 3);
          return Promise.all(top.map(function (h) { return engine.index(h.lang).doc(h.doc); })).then(function (docs) {
            if (mine !== seq) return;
            var key = docs.map(function (d) { return d.url; }).join(" ");
            if (key === shown) return; // unchanged: do not repeat the announcement
            shown = key;
            render(docs, query);
          });
        });
      }).catch(function (e) { if (window.console) console.error(e); });
    }
    message.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 400);
    });
  }

  /** The contact link under a "No" fills in the topic and the page. */
  function prefillContact() {
    var contact = document.getElementById("contact-form");
    if (!contact) return;
    var params = new URLSearchParams(location.search);
    var topic = contact.querySelector("[name=topic]");
    var t = params.get("topic");
    if (topic && t && Array.prototype.some.call(topic.options, function (o) { return o.value === t; })) topic.value = t;
    var page = params.get("page");
    var message = contact.querySelector("[name=message]");
    if (message && page && /^\/[^\/\\]/.test(page) && !message.value) {
      message.value = new URL(page, location.origin).href + "\n\n";
    }
  }

  function boot() {
    setupFeedback();
    setupInsights();
    setupSuggestions();
    prefillContact();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
