// The site's entry page: send the visitor to the language they read, taken
// from their own earlier choice or the browser's language list. Without
// JavaScript the page is a plain list of languages.
(function () {
  "use strict";
  var links = document.querySelectorAll(".language-list a[hreflang]");
  var available = {};
  Array.prototype.forEach.call(links, function (a) {
    available[a.getAttribute("hreflang").toLowerCase()] = a.getAttribute("href");
  });
  var saved = null;
  try { saved = localStorage.getItem("helpsite-lang"); } catch (e) { /* private mode */ }
  var wanted = (saved ? [saved] : []).concat(navigator.languages || [navigator.language || ""]);
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).toLowerCase();
    var url = available[code] || available[code.split("-")[0]];
    if (url) {
      location.replace(url + location.search + location.hash);
      return;
    }
  }
})();
