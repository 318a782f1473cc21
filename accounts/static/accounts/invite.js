/* The invitation form, a little quicker where JavaScript runs: the places are searched as the name is typed,
   through the same "Chercher" request the button sends. Without it, the button does the same. */
(function () {
  "use strict";
  var input = document.getElementById("id_place_search");
  if (!input || !window.fetch || !window.FormData || !window.DOMParser) { return; }
  var form = input.form;
  var timer = null;
  var asked = input.value.trim();

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    ["lieux-choisis", "lieux-trouves"].forEach(function (id) {
      var before = document.getElementById(id);
      var after = fresh.getElementById(id);
      if (before && after) { before.parentNode.replaceChild(document.importNode(after, true), before); }
    });
    var status = fresh.getElementById("lieux-statut");
    if (status) { document.getElementById("lieux-statut").textContent = status.textContent; }
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) { return; }
      asked = text;
      var data = new FormData(form);
      data.set("action", "search");
      // Not form.action: the button named "action" hides that property.
      window.fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (html && asked === text) { swap(html); } })
        .catch(function () { /* the "Chercher" button still works */ });
    }, 300);
  });
})();
