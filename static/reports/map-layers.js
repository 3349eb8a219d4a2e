/*
 * The other apps' layers of the town's map on /carte/ (events, shops and
 * producers: common.maplayers, templates/reports/includes/map_layers.html).
 * Loaded after map.js, which leaves its map and layer control in
 * `SmartCitizenMap.townMap`. Each layer of the JSON data block
 * `town-map-layers-data` becomes one Leaflet overlay in that control, its pins
 * markers of the layer's colour (map.css, map-layer-pin--1…4) with a popup
 * naming the place and linking to its page. The lists under the map say the
 * same without JavaScript. No inline script or style (CSP).
 */
(function () {
  "use strict";

  var base = window.SmartCitizenMap;
  var holder = document.getElementById("town-map-layers-data");
  if (!window.L || !base || !base.townMap || !holder) return;
  var L = window.L;
  var map = base.townMap.map;
  var control = base.townMap.layers;
  var layers;
  try {
    layers = JSON.parse(holder.textContent || "[]");
  } catch (error) {
    return; /* unreadable: the lists still show them */
  }

  function popup(pin) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = pin.url;
    var title = document.createElement("strong");
    title.textContent = pin.title;
    link.appendChild(title);
    box.appendChild(link);
    var line = [pin.when, pin.text].filter(Boolean).join(" · ");
    if (line) {
      var text = document.createElement("p");
      text.textContent = line;
      box.appendChild(text);
    }
    if (pin.address) {
      var address = document.createElement("p");
      address.textContent = pin.address;
      box.appendChild(address);
    }
    return box;
  }

  var points = [];
  layers.forEach(function (layer) {
    var colour = Number(layer.colour) || 1;
    var group = L.featureGroup().addTo(map);
    (layer.pins || []).forEach(function (pin) {
      if (typeof pin.lat !== "number" || typeof pin.lon !== "number") return;
      var mark = document.createElement("span");
      mark.className = "map-layer-pin__mark";
      var marker = L.marker([pin.lat, pin.lon], {
        icon: L.divIcon({
          className: "map-layer-pin map-layer-pin--" + colour,
          html: mark,
          iconSize: [22, 22],
          // The mark is turned by 45°: its point is 11 × √2 under the middle.
          iconAnchor: [11, 27],
          popupAnchor: [0, -24],
        }),
        // The marker is a focusable button: its title is its name.
        title: pin.title,
      }).bindPopup(popup(pin));
      // Leaflet makes the marker's element again each time the layer control
      // shows the layer: name it each time.
      marker.on("add", function () {
        var element = marker.getElement();
        if (!element) return;
        element.setAttribute("aria-label", pin.title);
        element.setAttribute("data-map-layer-pin", layer.key);
      });
      marker.addTo(group);
      points.push([pin.lat, pin.lon]);
    });
    // Leaflet writes the names as markup: the label escaped, the swatch ours.
    control.addOverlay(
      group,
      '<span class="map-layer-swatch map-layer-swatch--' + colour + '" aria-hidden="true"></span> ' +
        base.escapeHtml(layer.label)
    );
  });
  // A town without a centre or bounds: show these pins (map.js fits the
  // reports' pins when they arrive).
  if (!base.townMap.placed && points.length) {
    map.fitBounds(L.latLngBounds(points), { maxZoom: 16 });
  }
})();
