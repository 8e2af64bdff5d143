/* nines list tables: sort by a column and filter by team, tier and state, in the browser.
   Progressive: without JavaScript every row is shown in the build's order.
   A table opts in with class "sortable" (every header sorts; a cell's data-sort, when present,
   is its sort key, else its text; dates and durations sort by time, numbers by value, an empty
   key or "—" last in both directions) and data-filters="team tier state" (one select per word, with
   the distinct values of the rows' data-team, data-tier, data-state attributes). */
(function () {
  "use strict";

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
  }
  function keyOf(row, col) {
    var cell = row.cells[col];
    if (!cell) return "";
    var k = cell.getAttribute("data-sort");
    return k !== null ? k : cell.textContent.trim();
  }
  // A key read as a number: an ISO date ("2026-11-17" is 20261117, as the views' data-sort
  // keys), a duration ("52 min", "2.1 h", "3 days": minutes), else the number it starts with
  // ("99.9%", "3 open"); null for text.
  var MINUTES = { min: 1, h: 60, hours: 60, hour: 60, d: 1440, day: 1440, days: 1440 };
  function numberOf(k) {
    var m = /^(\d{4})-(\d\d)-(\d\d)(?![\d.])/.exec(k);
    if (m) return Number(m[1] + m[2] + m[3]);
    m = /^(-?\d+(?:\.\d+)?) ?(min|hours?|h|days?|d)$/.exec(k);
    if (m) return parseFloat(m[1]) * MINUTES[m[2]];
    var x = parseFloat(k);
    return /^-?[\d.]/.test(k) && isFinite(x) ? x : null;
  }
  // No value: an empty key (the views' data-sort for a missing figure) or a dash.
  function missing(k) {
    return k === "" || k === "\u2014";
  }
  function compare(a, b) {
    var x = numberOf(a), y = numberOf(b);
    if (x !== null && y !== null) return x - y;
    if ((x === null) !== (y === null)) return x !== null ? -1 : 1; // numbers before words
    return a.localeCompare(b);
  }

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        var body = table.tBodies[0];
        var rows = rowsOf(table).map(function (r, i) { return { r: r, k: keyOf(r, col), i: i }; });
        rows.sort(function (a, b) {
          // A missing value sorts last whichever the direction: it is no extreme.
          var ma = missing(a.k), mb = missing(b.k);
          if (ma !== mb) return ma ? 1 : -1;
          var c = ma ? 0 : compare(a.k, b.k);
          return (dir === "ascending" ? c : -c) || a.i - b.i;
        });
        rows.forEach(function (x) { body.appendChild(x.r); });
      });
    });
  }

  var LABELS = { team: "Team", tier: "Tier", state: "State", severity: "Severity", service: "Service" };

  function filterable(table) {
    var names = (table.getAttribute("data-filters") || "").split(/\s+/).filter(Boolean);
    var rows = rowsOf(table);
    var bar = document.createElement("div");
    bar.className = "filters";
    var count = document.createElement("p");
    count.className = "filter-count muted";
    count.setAttribute("role", "status");
    var selects = [];
    names.forEach(function (name) {
      // Each value with the words the column shows for it (data-NAME-label: "No data", not
      // "missing") and its place in the column's order (data-NAME-rank: severity, tier), when
      // the rows give them; otherwise the value itself, in alphabetical order.
      var values = {};
      rows.forEach(function (r) {
        var v = r.getAttribute("data-" + name);
        if (v && !values.hasOwnProperty(v))
          values[v] = {label: r.getAttribute("data-" + name + "-label") || v,
                       rank: r.getAttribute("data-" + name + "-rank")};
      });
      var ranked = function (x) { return x !== null && x !== "" && !isNaN(Number(x)); };
      var list = Object.keys(values).sort(function (a, b) {
        var ra = values[a].rank, rb = values[b].rank;
        if (ranked(ra) && ranked(rb) && Number(ra) !== Number(rb)) return Number(ra) - Number(rb);
        return a < b ? -1 : a > b ? 1 : 0;
      });
      if (list.length < 2) return;
      var label = document.createElement("label");
      label.appendChild(document.createTextNode((LABELS[name] || name) + " "));
      var select = document.createElement("select");
      select.setAttribute("data-filter", name);
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "All";
      select.appendChild(all);
      list.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = values[v].label;
        select.appendChild(o);
      });
      label.appendChild(select);
      bar.appendChild(label);
      selects.push(select);
    });
    if (selects.length === 0) return;
    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = selects.every(function (s) {
          return s.value === "" || r.getAttribute("data-" + s.getAttribute("data-filter")) === s.value;
        });
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown === rows.length ? rows.length + " rows" : shown + " of " + rows.length + " rows";
    }
    bar.addEventListener("change", apply);
    bar.appendChild(count);
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(bar, wrap);
    apply();
  }

  // Phones: a wide table stacks each row as a card, every cell labelled with its column's header,
  // so no column (Result, Sign-off, Due) is off-screen. Only tables without spanning cells.
  function stackable(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head || head.cells.length < 4 || table.querySelector("[colspan],[rowspan]")) return;
    var labels = Array.prototype.map.call(head.cells, function (th) { return th.textContent.trim(); });
    rowsOf(table).forEach(function (r) {
      Array.prototype.forEach.call(r.cells, function (cell, i) {
        if (labels[i] && i > 0) cell.setAttribute("data-label", labels[i]);
      });
    });
    table.classList.add("stackable");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.data"), stackable);
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filters]"), filterable);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
