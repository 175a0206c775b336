// The site's entry page: send the visitor to the language they read, taken
// from their own earlier choice or the browser's language list. Without
// JavaScript the page is a plain list of languages.
//
// Each wanted language is matched, in order, by its whole tag, by its script
// (zh-CN and zh-SG read Simplified Chinese: zh-Hans; zh-TW, zh-HK and zh-MO
// Traditional: zh-Hant), by its language alone (de-AT → de), and last by any
// regional form of that language the site has (pt → pt-BR or pt-PT).
(function () {
  "use strict";
  var SCRIPTS = {
    "zh-cn": "hans", "zh-sg": "hans", "zh-my": "hans",
    "zh-tw": "hant", "zh-hk": "hant", "zh-mo": "hant"
  };
  var links = document.querySelectorAll(".language-list a[hreflang]");
  var available = {};
  var codes = [];
  Array.prototype.forEach.call(links, function (a) {
    var code = a.getAttribute("hreflang").toLowerCase();
    available[code] = a.getAttribute("href");
    codes.push(code);
  });

  function scriptOf(parts) {
    if (parts.length > 1 && parts[1].length === 4) return parts[1];
    return SCRIPTS[parts[0] + "-" + parts[parts.length - 1]] || null;
  }

  function match(tag) {
    var parts = tag.split("-");
    var lang = parts[0];
    var script = scriptOf(parts);
    var tries = [tag, script && lang + "-" + script, lang];
    for (var i = 0; i < tries.length; i++) {
      if (tries[i] && available[tries[i]]) return available[tries[i]];
    }
    // Another regional form of the language, never one in another script.
    for (var j = 0; j < codes.length; j++) {
      var other = codes[j].split("-");
      if (other[0] === lang && (!script || scriptOf(other) === script)) return available[codes[j]];
    }
    return null;
  }

  var saved = null;
  try { saved = localStorage.getItem("helpsite-lang"); } catch (e) { /* private mode */ }
  var wanted = (saved ? [saved] : []).concat(navigator.languages || [navigator.language || ""]);
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).toLowerCase().replace(/_/g, "-");
    var url = code && match(code);
    if (url) {
      location.replace(url + location.search + location.hash);
      return;
    }
  }
})();
