/* Handing a reference or a tracking link over: copy and print buttons where JavaScript runs (without it, the
   text stays on the page to note or select, and the browser's own print menu prints it). */
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function copyFrom(target) {
    var text = target.value !== undefined ? target.value : target.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http (a local server): select the text and use the older command.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyFrom(target).then(
        function () { say("Copié. Vous pouvez le coller où vous voulez."); },
        function () { say("La copie n'a pas marché : sélectionnez le texte et copiez-le vous-même."); }
      );
    });
  });

  if (typeof window.print === "function") {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
}());
