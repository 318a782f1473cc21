/* The search form, a little friendlier where JavaScript runs: commune suggestions as you type, and
   "Autour de moi" where the browser can give a position. Without it, the form works the same. */
(function () {
  "use strict";
  var input = document.getElementById("id_ou");
  if (!input) { return; }
  var form = input.form;
  var list = document.getElementById("communes-list");
  var url = input.getAttribute("data-suggest-url");
  var timer = null;
  var asked = "";

  function fill(results) {
    list.textContent = "";
    results.forEach(function (commune) {
      var option = document.createElement("option");
      option.value = commune.name + " (" + commune.departement.code + ")";
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function () {
    var text = input.value.trim();
    window.clearTimeout(timer);
    if (text.length < 2 || text === asked || /\(\w+\)$/.test(text)) { return; }
    timer = window.setTimeout(function () {
      asked = text;
      window.fetch(url + "?limit=8&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (asked === text) { fill(data.results || []); } })
        .catch(function () { /* no suggestions: the field still takes any commune */ });
    }, 250);
  });

  var button = document.getElementById("around-me");
  var status = document.getElementById("around-me-status");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      ["lat", "lon"].forEach(function (name) {
        var field = form.elements[name];
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = name;
          form.appendChild(field);
        }
        field.value = (name === "lat" ? position.coords.latitude : position.coords.longitude).toFixed(4);
      });
      input.value = "";
      form.submit();
    }, function () {
      button.disabled = false;
      status.textContent = "Votre position n'est pas disponible : indiquez votre commune.";
    }, { timeout: 10000, maximumAge: 600000 });
  });
}());
