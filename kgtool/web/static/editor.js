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
  var prefixText = Object.keys(data.prefixes).map(function (p) {
    return "PREFIX " + p + ": <" + data.prefixes[p] + ">";
  }).join("\n");
  var first = "SELECT ?collaboration ?name WHERE {\n  ?collaboration a ks:Collaboration ;\n    rdfs:label ?name .\n  FILTER(LANG(?name) = \"sv\")\n}";
  Yasgui.Yasqe.defaults.value = prefixText + "\n\n" + first;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
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
    Array.prototype.forEach.call(document.querySelectorAll("#yasgui .autocomplete"), function (el) {
      if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", "endpoint"); }
    });
  }
  fix();
  new MutationObserver(fix).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
})();
