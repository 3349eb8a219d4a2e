/*
 * The map of the town's shops and producers (templates/localshops/includes/map.html):
 * the page's list works alone; this shows the map above it, one marker per
 * business from the json_script block `localshops-pins`, each with a popup
 * naming it and linking to its page. Settings as for reports' maps (mapbase.js).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-shop-map]");
  var data = document.getElementById("localshops-pins");
  if (!root || !data || !window.L || !window.SmartCitizenMap) return;
  var L = window.L;
  var base = window.SmartCitizenMap;
  var pins = JSON.parse(data.textContent || "[]");

  root.hidden = false;
  var made = base.create(root, root.querySelector("[data-shop-map-canvas]"));
  var icon = base.icon(root);
  var group = L.featureGroup().addTo(made.map);

  pins.forEach(function (pin) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = pin.name;
    var kind = document.createElement("p");
    kind.textContent = pin.kind;
    var link = document.createElement("a");
    link.href = pin.url;
    link.textContent = root.getAttribute("data-open-text") || pin.name;
    box.appendChild(title);
    box.appendChild(kind);
    box.appendChild(link);
    L.marker([pin.lat, pin.lon], { icon: icon, title: pin.name, alt: pin.name })
      .bindPopup(box)
      .addTo(group);
  });
  if (pins.length === 1) {
    made.map.setView([pins[0].lat, pins[0].lon], 16);
  } else if (pins.length && !made.placed) {
    made.map.fitBounds(group.getBounds(), { maxZoom: 16 });
  }
})();
