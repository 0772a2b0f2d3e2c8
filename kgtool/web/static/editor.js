// The SPARQL editor (YASGUI, vendored): the project's prefixes, the saved queries as examples,
// the endpoint given in the page (or the site's own /sparql when served by kgtool serve).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  var field = document.getElementById("endpoint");
  var form = document.getElementById("endpoint-form");
  if (form) {  // the endpoint applies on change: Enter must not reload the page
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  var stored = window.localStorage && localStorage.getItem("kgtool-endpoint");
  var endpoint = field.value || stored || new URL(field.getAttribute("data-default"), location.href).href;
  field.value = endpoint;
  // The starter query shows at once: the server predeclares the project's prefixes, so the
  // editor need not list them all; the results shorten IRIs with them (id:, ks:, …).
  Yasgui.Yasqe.defaults.value = data.starter;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    yasr: { prefixes: data.prefixes },
  });
  function tab() { return yasgui.getTab(); }
  field.addEventListener("change", function () {
    if (window.localStorage) { localStorage.setItem("kgtool-endpoint", field.value); }
    tab().setEndpoint(field.value);
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var example = data.examples[Number(button.getAttribute("data-index"))];
      var t = yasgui.addTab(true, { name: example.name });
      t.setEndpoint(field.value);
      t.setQuery(example.text);
    });
  });
  // Results as people read them: the site's own IRIs link to its pages (in the page's
  // language), literals without quotes and datatypes (the language as lang=""), and each IRI
  // with its label, asked of the same endpoint in one query (as Wikidata's label service does).
  var base = data.prefixes.id.replace(/id\/$/, "");
  var labels = {};
  function local(iri) {
    if (iri.indexOf(base + "id/") === 0) { return data.root + data.prefix + iri.slice(base.length) + "/"; }
    if (iri.indexOf(base + "def/") === 0) { return data.root + data.prefix + "def/#" + iri.slice(base.length + 4); }
    return null;
  }
  function addLabel(link) {
    var label = labels[link.getAttribute("data-iri")];
    if (!label || link.parentNode.querySelector(".iri-label")) { return; }
    var span = document.createElement("span");
    span.className = "iri-label";
    if (label.lang && label.lang !== data.lang) { span.lang = label.lang; }
    span.textContent = label.text;
    link.parentNode.appendChild(span);
  }
  function askLabels(iris) {
    var query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
      "SELECT ?s ?label WHERE { VALUES ?s { " + iris.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " } ?s rdfs:label|skos:prefLabel ?label }";
    var body = new URLSearchParams({ query: query });
    fetch(field.value, { method: "POST", body: body, headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        answer.results.bindings.forEach(function (row) {
          var lang = row.label["xml:lang"] || "";
          var rank = lang === data.lang ? 0 : lang === "" ? 1 : 2;
          var known = labels[row.s.value];
          if (!known || rank < known.rank) { labels[row.s.value] = { text: row.label.value, lang: lang, rank: rank }; }
        });
        Array.prototype.forEach.call(document.querySelectorAll("#yasgui .yasr a.iri[data-iri]"), addLabel);
      }).catch(function () {});
  }
  var pending = null;
  function tidy() {
    var wanted = {};
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui .yasr a.iri:not([data-iri])"), function (link) {
      var iri = link.href;
      link.setAttribute("data-iri", iri);
      var page = local(iri);
      if (page) { link.href = page; link.removeAttribute("target"); }
      if (labels[iri]) { addLabel(link); } else { wanted[iri] = true; }
    });
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui .yasr span.nonIri:not([data-done])"), function (span) {
      span.setAttribute("data-done", "");
      var sup = span.querySelector("sup");
      if (!sup) { return; }
      var text = sup.textContent;
      var value = span.firstChild && span.firstChild.nodeType === 3 ? span.firstChild.nodeValue : null;
      if (value === null) { return; }
      span.firstChild.nodeValue = value.replace(/^"/, "").replace(/"$/, "");
      if (text.charAt(0) === "@") { if (text.slice(1) !== data.lang) { span.lang = text.slice(1); } }
      else { span.title = text.replace(/^\^\^/, ""); }
      span.removeChild(sup);
    });
    var iris = Object.keys(wanted).slice(0, 300);
    if (iris.length) { askLabels(iris); }
  }
  new MutationObserver(function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(tidy, 50);
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // On a static host there is no /sparql: say so, so a person knows to give an endpoint.
  fetch(endpoint + "?query=ASK%7B%7D", { headers: { Accept: "application/sparql-results+json" } })
    .then(function (r) { if (!r.ok) { throw new Error(); } })
    .catch(function () { document.getElementById("editor-note").hidden = false; });
})();

// Accessibility fixes to YASGUI's own markup (labels, focusable scroll areas, tab roles).
(function () {
  "use strict";
  function fix() {
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui textarea, #yasgui input"), function (el) {
      if (!el.getAttribute("aria-label") && !el.id) { el.setAttribute("aria-label", "SPARQL"); }
      if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", el.placeholder || "SPARQL"); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui .CodeMirror-scroll"), function (el) {
      el.setAttribute("tabindex", "0");
    });
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui [role=tablist]"), function (list) {
      Array.prototype.forEach.call(list.children, function (child) {
        if (!child.getAttribute("role")) { child.setAttribute("role", "presentation"); }
      });
      Array.prototype.forEach.call(list.querySelectorAll("button"), function (button) {
        button.setAttribute("role", "tab"); // YASGUI's "new tab" button sits in the tab list
        if (!button.getAttribute("aria-label")) { button.setAttribute("aria-label", "+"); }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui select:not([aria-label])"), function (el) {
      var label = el.previousElementSibling;  // YASR's "Page size:" sits before its select
      el.setAttribute("aria-label", label && label.textContent.trim() ? label.textContent.trim() : "SPARQL");
    });
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui .autocomplete"), function (el) {
      if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", "endpoint"); }
    });
  }
  fix();
  new MutationObserver(fix).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
})();
