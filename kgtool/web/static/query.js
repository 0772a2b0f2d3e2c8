// A saved query's form: runs /api/<name> with the chosen parameters when kgtool serve is behind
// the page and shows the answer as the same labelled table as the published one (the table's
// columns: each variable with its _label and _code; IRIs as prefixed names linking to the
// site's own pages). On a static host the answer with the defaults stays.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form) { return; }
  var lang = form.getAttribute("data-lang");
  var words = JSON.parse(form.getAttribute("data-strings"));
  var prefixes = JSON.parse(form.getAttribute("data-prefixes"));
  var root = form.getAttribute("data-root");
  var pagePrefix = form.getAttribute("data-prefix");
  var base = prefixes[""];
  var status = document.getElementById("form-status");
  var answer = document.getElementById("answer");
  var api = form.getAttribute("data-api");

  // Dates: a year, a month or a day, written into the hidden field the form sends.
  Array.prototype.forEach.call(form.querySelectorAll("fieldset.date"), function (box) {
    var hidden = box.querySelector("input[data-date]");
    function part(name) { return box.querySelector("[data-part=" + name + "]").value; }
    function update() {
      var year = part("year"), month = part("month"), day = part("day");
      hidden.value = !year ? "" : year + (month ? "-" + month + (day ? "-" + day : "") : "");
    }
    box.addEventListener("input", update);
    box.addEventListener("change", update);
  });
  // Long lists: a search box narrows the options of its select.
  Array.prototype.forEach.call(form.querySelectorAll("input.filter"), function (box) {
    var select = document.getElementById(box.getAttribute("data-filter"));
    box.addEventListener("input", function () {
      var needle = box.value.toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var hit = !needle || option.value === "" || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !hit;
        if (hit && option.value !== "" && first === null) { first = option; }
      });
      if (needle && first && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
        first.selected = true;
      }
    });
  });

  function params(format) {
    var out = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.value !== "") { out.set(el.name, el.value); }
    });
    if (format) { out.set("format", format); }
    return out.toString();
  }
  function shorten(iri) {
    var best = "";
    Object.keys(prefixes).forEach(function (p) {
      if (p && iri.indexOf(prefixes[p]) === 0 && prefixes[p].length > (prefixes[best] || "").length
          && /^[\w.\-]+(\/[\w.\-]+)*$/.test(iri.slice(prefixes[p].length))) { best = p; }
    });
    return best ? best + ":" + iri.slice(prefixes[best].length) : iri;
  }
  function local(iri) {
    if (iri.indexOf(base + "id/") === 0) { return root + pagePrefix + iri.slice(base.length) + "/"; }
    if (iri.indexOf(base + "def/") === 0) { return root + pagePrefix + "def/#" + iri.slice(base.length + 4); }
    return iri;
  }
  function cell(column, binding) {
    var td = document.createElement("td");
    td.setAttribute("data-col", column);
    if (!binding) { td.className = "empty"; return td; }
    if (binding.type === "uri") {
      var a = document.createElement("a");
      a.href = local(binding.value);
      var code = document.createElement("code");  // a name, not words of the page's language
      code.textContent = shorten(binding.value);
      a.appendChild(code);
      td.className = "iri";
      td.appendChild(a);
      return td;
    }
    td.className = /_label$/.test(column) ? "label" : /_code$/.test(column) ? "code" : "literal";
    var language = binding["xml:lang"];
    if (language && language !== lang) { td.lang = language; }
    td.textContent = binding.value;
    return td;
  }
  function count(n) {
    return n.toLocaleString(words.locale) + " " + (n === 1 ? words.row_one : words.row_many);
  }
  function table(data) {
    answer.textContent = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = data.boolean ? words["true"] : words["false"];
      answer.appendChild(p);
      return;
    }
    var box = document.createElement("div");
    box.className = "scroll wide";
    var t = document.createElement("table");
    t.className = "answer";
    var head = t.createTHead().insertRow();
    data.head.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      var code = document.createElement("code");  // a column name is an identifier
      v.split(/(?=_)|(?<=[a-z])(?=[A-Z])/).forEach(function (part, i) {  // breaks: _ and camelCase
        if (i) { code.appendChild(document.createElement("wbr")); }
        code.appendChild(document.createTextNode(part));
      });
      th.appendChild(code);
      head.appendChild(th);
    });
    var body = t.createTBody();
    data.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      data.head.vars.forEach(function (v) { tr.appendChild(cell(v, row[v])); });
    });
    box.appendChild(t);
    answer.appendChild(box);
    var n = document.createElement("p");
    n.className = "note row-count";
    n.textContent = count(data.results.bindings.length);
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
    status.textContent = words.running;
    var headers = { "Accept-Language": lang };
    fetch(api + "?" + params(graph ? "ttl" : "json"), { headers: headers }).then(function (r) {
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
      status.textContent = words.answer_for + " " + (decodeURIComponent(params("")) || "–");
    }).catch(function (error) {
      var missing = /^404|Failed to fetch|NetworkError/.test(String(error.message));
      status.textContent = missing ? words.needs_server : String(error.message);
    });
  });
})();
