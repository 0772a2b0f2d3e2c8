// The human page of the web API: Swagger UI (vendored under static/swagger-ui) reading the
// site's own OpenAPI document; no validator badge (it would call a remote service).
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({
    url: new URL(box.getAttribute("data-spec"), location.href).href,
    domNode: box,
    validatorUrl: null,
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: -1,
  });
  // Swagger UI's server list has no label of its own.
  new MutationObserver(function () {
    var select = document.getElementById("servers");
    if (select && !select.getAttribute("aria-label")) { select.setAttribute("aria-label", "Servers"); }
  }).observe(box, { childList: true, subtree: true });
})();
