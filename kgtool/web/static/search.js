// Static search over every name of the site: fetches search.json once, matches as you type.
(function () {
  "use strict";
  var input = document.getElementById("search");
  if (!input) { return; }
  var list = document.getElementById("search-results");
  if (input.form) {  // searching happens as you type: Enter must not reload the page
    input.form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  var status = document.getElementById("search-status");
  var home = input.getAttribute("data-home");
  var english = input.getAttribute("data-lang") === "en";
  var entries = null;
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function load() {
    if (entries) { return Promise.resolve(entries); }
    return fetch(input.getAttribute("data-index")).then(function (r) { return r.json(); })
      .then(function (data) {
        entries = data.map(function (e) {
          return { path: e[0], names: e[1], kind: english ? e[3] : e[2], key: fold(e[1].join(" ")) };
        });
        return entries;
      });
  }
  function show() {
    var needle = fold(input.value.trim());
    list.textContent = "";
    if (needle.length < 2) { status.textContent = ""; return; }
    load().then(function (all) {
      var hits = all.filter(function (e) { return e.key.indexOf(needle) !== -1; });
      hits.sort(function (a, b) {
        var pa = fold(a.names[0]).indexOf(needle) === 0 ? 0 : 1;
        var pb = fold(b.names[0]).indexOf(needle) === 0 ? 0 : 1;
        return pa - pb || a.names[0].localeCompare(b.names[0], "sv");
      });
      status.textContent = hits.length + " " + (english ? "hits" : "träffar");
      hits.slice(0, 30).forEach(function (e) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = home + e.path;
        link.textContent = e.names[0];
        item.appendChild(link);
        var kind = document.createElement("span");
        kind.className = "note";
        kind.textContent = " " + e.kind;
        item.appendChild(kind);
        list.appendChild(item);
      });
    }).catch(function () { status.textContent = "search.json?"; });
  }
  input.addEventListener("input", show);
})();
