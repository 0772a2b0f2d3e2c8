// A saved query's form: runs /api/<name> with the chosen parameters when kgtool serve is behind
// the page; on a static host the answer with the defaults stays.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form) { return; }
  var english = form.getAttribute("data-lang") === "en";
  var status = document.getElementById("form-status");
  var answer = document.getElementById("answer");
  var api = form.getAttribute("data-api");
  function params(format) {
    var out = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.value !== "") { out.set(el.name, el.value); }
    });
    if (format) { out.set("format", format); }
    return out.toString();
  }
  function cell(binding) {
    var td = document.createElement("td");
    if (!binding) { return td; }
    if (binding.type === "uri") {
      var a = document.createElement("a");
      a.href = binding.value;
      a.textContent = binding.value;
      td.appendChild(a);
    } else {
      td.textContent = binding.value;
    }
    return td;
  }
  function table(data) {
    answer.textContent = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = data.boolean ? (english ? "yes" : "ja") : (english ? "no" : "nej");
      answer.appendChild(p);
      return;
    }
    var box = document.createElement("div");
    box.className = "scroll";
    var t = document.createElement("table");
    t.className = "answer";
    var head = t.createTHead().insertRow();
    data.head.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    var body = t.createTBody();
    data.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      data.head.vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    box.appendChild(t);
    answer.appendChild(box);
    var n = document.createElement("p");
    n.className = "note";
    n.textContent = data.results.bindings.length + (english ? " rows." : " rader.");
    answer.appendChild(n);
  }
  function links() {
    var csv = document.getElementById("dl-csv");
    var json = document.getElementById("dl-json");
    var graph = csv.href.indexOf("format=ttl") !== -1;
    csv.href = api + "?" + params(graph ? "ttl" : "csv");
    json.href = api + "?" + params(graph ? "jsonld" : "json");
  }
  form.addEventListener("change", links);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    links();
    var graph = document.getElementById("dl-csv").href.indexOf("format=ttl") !== -1;
    status.textContent = "…";
    fetch(api + "?" + params(graph ? "ttl" : "json")).then(function (r) {
      return r.text().then(function (text) {
        if (!r.ok) { throw new Error(r.status + ": " + text); }
        return text;
      });
    }).then(function (text) {
      if (graph) {
        answer.textContent = "";
        var pre = document.createElement("pre");
        pre.textContent = text;
        answer.appendChild(pre);
      } else {
        table(JSON.parse(text));
      }
      status.textContent = (english ? "Answer for " : "Svar för ") + (params("") || "–");
    }).catch(function (error) {
      var missing = /^404|Failed to fetch|NetworkError/.test(String(error.message));
      status.textContent = missing
        ? (english ? "The query can only run against kgtool serve; the answer with the defaults is shown here."
                   : "Frågan kan bara köras mot kgtool serve; här visas svaret med standardvärden.")
        : String(error.message);
    });
  });
})();
