// Colours each appointment-type dot from its data-color (no inline styles, so a strict CSP holds).
(function () {
  "use strict";
  function paint(root) {
    root.querySelectorAll(".type-dot[data-color]").forEach(function (dot) {
      var colour = dot.getAttribute("data-color");
      if (/^#[0-9a-fA-F]{3,8}$/.test(colour)) {
        dot.style.backgroundColor = colour;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paint(event.target); });
})();
