/* A place page: a print button where JavaScript runs (elsewhere, the browser's own print menu does the same). */
(function () {
  "use strict";
  var button = document.getElementById("print-page");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
