// The human page of the web API: Swagger UI (vendored under static/swagger-ui) reading the
// site's own OpenAPI document; no validator badge (it would call a remote service).
// Each query is listed once, under its first tag: Swagger UI repeats an operation under every
// tag it has, which made the page five times as long (the document keeps all tags). An optional
// parameter's example is said in its description instead of filling its box in "Try it out"
// (where it silently narrowed the answer, e.g. county=10 on members-of-collaboration).
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || !window.SwaggerUIBundle) { return; }
  var url = new URL(box.getAttribute("data-spec"), location.href).href;

  function show(spec) {
    window.SwaggerUIBundle({
      spec: spec,
      domNode: box,
      validatorUrl: null,
      deepLinking: false,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      defaultModelsExpandDepth: -1,
    });
  }

  function quietExample(parameter) {
    var schema = parameter.schema || {};
    if (parameter.required || schema["default"] !== undefined || parameter.example === undefined) {
      return;
    }
    parameter.description = (parameter.description || "") + ", e.g. " + parameter.example;
    delete parameter.example;
    delete schema.examples;
    delete schema.example;
  }

  fetch(url, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    })
    .then(function (spec) {
      Object.keys(spec.paths || {}).forEach(function (path) {
        var item = spec.paths[path];
        Object.keys(item).forEach(function (method) {
          var tags = item[method] && item[method].tags;
          if (tags && tags.length > 1) { item[method].tags = tags.slice(0, 1); }
          ((item[method] && item[method].parameters) || []).forEach(quietExample);
        });
      });
      show(spec);
    })
    .catch(function () {
      var note = document.createElement("p");
      note.className = "note";
      note.lang = document.documentElement.lang;
      note.textContent = box.getAttribute("data-failed");
      box.replaceChildren(note);
    });

  // Swagger UI's server list, a parameter's list of values and an answer's scrolling code box
  // have no label or focus of their own: give them one (axe-core: select-name,
  // scrollable-region-focusable).
  new MutationObserver(function () {
    var select = document.getElementById("servers");
    if (select && !select.getAttribute("aria-label")) { select.setAttribute("aria-label", "Servers"); }
    box.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (list) {
      list.setAttribute("aria-label", list.closest("tr").getAttribute("data-param-name"));
    });
    box.querySelectorAll(".highlight-code pre:not([tabindex])").forEach(function (code) {
      code.setAttribute("tabindex", "0");
    });
  }).observe(box, { childList: true, subtree: true });
})();
