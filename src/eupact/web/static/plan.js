// The /plan matrix: a cell's articles show on hover and on keyboard focus (CSS); Escape hides
// them until the pointer or the focus moves again (WCAG 1.4.13, content on hover or focus).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") document.body.classList.add("tips-off");
  });
  function back() { document.body.classList.remove("tips-off"); }
  document.addEventListener("focusin", back);
  document.addEventListener("mouseover", function (event) {
    if (event.target.closest && event.target.closest("td.cell")) back();
  });
})();
