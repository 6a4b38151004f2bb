// Sortable tables: each sortable column's heading holds a button (keyboard-reachable); the
// heading's aria-sort tells screen readers the order. Cells may give a data-sort value.
(function () {
  "use strict";
  function value(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    if (raw === "" || raw === "–") return -Infinity; // a blank (withheld or missing) sorts first
    var n = Number(raw);
    return raw !== "" && !isNaN(n) ? n : raw.toLocaleLowerCase();
  }
  function sort(table, th) {
    var headings = Array.prototype.slice.call(th.parentNode.children);
    var index = headings.indexOf(th);
    var order = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    headings.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", order);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index]), y = value(b.cells[index]);
      var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return order === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th[aria-sort] button").forEach(function (button) {
      button.addEventListener("click", function () { sort(table, button.parentNode); });
    });
  });
})();
