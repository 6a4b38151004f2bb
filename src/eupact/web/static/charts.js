// Renders each chart of the page from its JSON data block (charts.py: embed_html): the page's
// Content-Security-Policy runs no inline script, so the specifications travel as data.
(function () {
  "use strict";
  var blocks = document.querySelectorAll('script[type="application/json"][data-vega-embed]');
  Array.prototype.forEach.call(blocks, function (block) {
    var target = document.getElementById(block.getAttribute("data-vega-embed"));
    if (!target) return;
    var chart = JSON.parse(block.textContent);
    window.vegaEmbed(target, chart.spec, chart.options).catch(console.error);
  });
})();
