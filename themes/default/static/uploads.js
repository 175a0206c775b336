// Attachments on the contact form: the native file picker, enhanced. Each
// file is checked here against the same limits as the handler, then sent
// straight to storage (a presigned POST, or a PUT to the local server) with
// its progress shown; the form posts only the keys of the finished uploads.
(function () {
  "use strict";
  var box = document.getElementById("uploads");
  if (!box || !window.XMLHttpRequest || !window.FormData || !window.fetch) return;
  var form = box.closest("form");
  var input = box.querySelector("input[type=file]");
  var list = box.querySelector(".upload-list");
  var errorSlot = box.querySelector(".field-error");
  var live = box.querySelector(".upload-status");
  var hint = box.querySelector(".hint");
  var keysField = form.elements.attachments;
  var d = box.dataset;
  var lang = document.documentElement.lang || "en";
  var maxFiles = Number(d.maxFiles);
  var maxBytes = Number(d.maxBytes);
  var types = d.types.toLowerCase().split(",");
  var items = [];
  var next = 1;
  // The script sends files itself: the post carries only their keys.
  form.removeAttribute("enctype");
  input.removeAttribute("name");

  function format(n, options) {
    try { return new Intl.NumberFormat(lang, options).format(n); } catch (e) { return String(n); }
  }
  function size(bytes) {
    var mb = bytes / 1048576;
    if (mb >= 1) return format(mb, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 });
    return format(Math.ceil(bytes / 1024), { style: "unit", unit: "kilobyte" });
  }
  function fill(text, vars) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; });
  }
  function allowed(type) {
    type = (type || "").toLowerCase();
    return types.some(function (t) {
      // SVG can carry scripts: only an explicit image/svg+xml admits it.
      var family = t.slice(-2) === "/*" && type !== "image/svg+xml";
      return t === type || (family && type.indexOf(t.slice(0, -1)) === 0 && type.length > t.length - 1);
    });
  }
  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 60);
  }
  function sync() {
    keysField.value = items.filter(function (i) { return i.done; }).map(function (i) { return i.key; }).join(",");
  }
  function showError(text) {
    errorSlot.textContent = text;
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  hint.textContent = fill(d.hint, { count: format(maxFiles), size: size(maxBytes) });

  input.addEventListener("change", function () {
    var problems = [];
    Array.prototype.forEach.call(input.files, function (file) {
      var tooMany = fill(d.tooMany, { count: format(maxFiles) });
      if (items.length >= maxFiles) {
        if (problems.indexOf(tooMany) < 0) problems.push(tooMany);
      } else if (file.size > maxBytes) {
        problems.push(fill(d.tooBig, { name: file.name, size: size(maxBytes) }));
      } else if (!allowed(file.type)) {
        problems.push(fill(d.wrongType, { name: file.name }));
      } else {
        add(file);
      }
    });
    input.value = "";
    showError(problems.join(" "));
  });

  function add(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "upload-name";
    name.dir = "auto";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    var state = document.createElement("span");
    state.className = "upload-state";
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "upload-remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", fill(d.remove, { name: file.name }));
    li.append(name, bar, state, remove);
    list.appendChild(li);
    var item = { file: file, n: next++, key: null, done: false, xhr: null, li: li, bar: bar, state: state };
    items.push(item);
    remove.addEventListener("click", function () { drop(item); });
    start(item);
  }

  function drop(item) {
    if (item.xhr) item.xhr.abort();
    items = items.filter(function (i) { return i !== item; });
    item.li.remove();
    sync();
    showError("");
    input.focus();
  }

  function start(item) {
    var f = item.file;
    item.state.textContent = fill(d.progress, { name: f.name, percent: format(0, { style: "percent" }) });
    var retry = item.li.querySelector(".upload-retry");
    if (retry) retry.remove();
    fetch(d.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({
        submission_id: form.elements.submission_id.value,
        lang: lang,
        files: [{ n: item.n, name: f.name, size: f.size, type: f.type }]
      })
    }).then(function (r) {
      return r.json().catch(function () { return null; });
    }).then(function (body) {
      if (items.indexOf(item) < 0) return;
      if (body && body.ok) send(item, body.uploads[0]);
      else failed(item, body && body.errors && body.errors[0] && body.errors[0].message);
    }).catch(function () { failed(item); });
  }

  function send(item, target) {
    var f = item.file;
    var xhr = new XMLHttpRequest();
    item.xhr = xhr;
    xhr.open(target.method === "put" ? "PUT" : "POST", target.url);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      item.bar.value = Math.round((e.loaded / e.total) * 100);
      item.state.textContent = fill(d.progress, { name: f.name, percent: format(e.loaded / e.total, { style: "percent" }) });
    });
    xhr.addEventListener("load", function () {
      if (xhr.status < 200 || xhr.status > 299) return failed(item);
      item.done = true;
      item.key = target.key;
      item.bar.value = 100;
      item.state.textContent = fill(d.done, { name: f.name });
      sync();
      announce(item.state.textContent);
    });
    xhr.addEventListener("error", function () { failed(item); });
    if (target.method === "put") {
      xhr.setRequestHeader("Content-Type", f.type);
      xhr.send(f);
    } else {
      var data = new FormData();
      Object.keys(target.fields).forEach(function (k) { data.append(k, target.fields[k]); });
      data.append("file", f);
      xhr.send(data);
    }
  }

  function failed(item, message) {
    if (items.indexOf(item) < 0) return;
    item.state.textContent = message || fill(d.failed, { name: item.file.name });
    announce(item.state.textContent);
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "upload-retry";
    retry.textContent = d.retry;
    retry.addEventListener("click", function () {
      start(item);
      item.li.querySelector(".upload-remove").focus();
    });
    item.li.insertBefore(retry, item.li.lastChild);
  }

  // Sending before the files are up would lose them: wait, and say so.
  form.addEventListener("submit", function (event) {
    if (items.every(function (i) { return i.done; })) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    showError(d.wait);
    input.focus();
  }, true);

  form.addEventListener("reset", function () {
    items.forEach(function (i) { if (i.xhr) i.xhr.abort(); });
    items = [];
    next = 1;
    list.textContent = "";
    showError("");
    window.setTimeout(sync, 0);
  });
})();
