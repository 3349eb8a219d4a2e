/*
 * A trip's small map (templates/carpool/trip_detail.html): its two meeting
 * points, from the root's data- attributes (no inline script), over the
 * reports' map base (static/reports/mapbase.js). Hidden without JavaScript:
 * the page says the neighbourhoods and meeting points in words.
 */
(function () {
  "use strict";

  if (!window.L || !window.SmartCitizenMap) return;
  var L = window.L;
  var base = window.SmartCitizenMap;

  function point(root, name) {
    var lat = parseFloat(root.getAttribute("data-" + name + "-lat"));
    var lon = parseFloat(root.getAttribute("data-" + name + "-lon"));
    return isFinite(lat) && isFinite(lon) ? L.latLng(lat, lon) : null;
  }

  var roots = document.querySelectorAll("[data-trip-map]");
  for (var i = 0; i < roots.length; i++) {
    var root = roots[i];
    root.hidden = false;
    var made = base.create(root, root.querySelector("[data-trip-map-canvas]"));
    var points = [];
    ["from", "to"].forEach(function (name) {
      var at = point(root, name);
      if (!at) return;
      var label = root.getAttribute("data-" + name + "-label") || "";
      L.marker(at, { icon: base.icon(root), alt: label, title: label, keyboard: false })
        .addTo(made.map);
      points.push(at);
    });
    if (points.length) made.map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 16 });
  }
})();
