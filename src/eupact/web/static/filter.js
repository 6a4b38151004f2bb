// Filterable tables: a search field above each table.filterable hides the body rows that do not
// contain the words typed (every word, in any cell, ignoring case and accents). The field, its
// label and the count of rows shown (a polite live region) come from the table's data-filter-*
// attributes, in the page's language. Without JavaScript the table is simply shown whole.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase();
  }
  var counter = 0;
  document.querySelectorAll("table.filterable").forEach(function (table) {
    counter += 1;
    var id = (table.id || "table-" + counter) + "-filter";
    var box = document.createElement("div");
    box.className = "filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = table.getAttribute("data-filter-label") || "Filter";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    if (table.id) input.setAttribute("aria-controls", table.id);
    var status = document.createElement("span");
    status.className = "note";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    var anchor = table.parentNode.classList.contains("scroll") ? table.parentNode : table;
    anchor.parentNode.insertBefore(box, anchor);
    var pattern = table.getAttribute("data-filter-count") || "{shown} / {total}";
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var rows = Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
      var shown = 0;
      rows.forEach(function (row) {
        var text = fold(row.textContent);
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = words.length
        ? pattern.replace("{shown}", String(shown)).replace("{total}", String(rows.length))
        : "";
    });
  });
})();
