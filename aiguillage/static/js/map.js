// Draws the places of the current page on a Leaflet map. The list below the map
// holds the same places, so the page stays complete without this script.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var data = document.getElementById("map-markers");
  if (!element || !data || typeof L === "undefined") { return; }
  var markers = JSON.parse(data.textContent);
  element.innerHTML = "";
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution }).addTo(map);
  var bounds = [];
  markers.forEach(function (marker) {
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(document.createTextNode(" — " + marker.commune));
    L.marker([marker.lat, marker.lon], { title: marker.name, alt: marker.name }).addTo(map).bindPopup(popup);
    bounds.push([marker.lat, marker.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  } else {
    map.setView([47.1, 3.5], 8);
  }
})();
