// The "Imprimer" button exists only where it works: without JavaScript, the browser's own menu prints.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
