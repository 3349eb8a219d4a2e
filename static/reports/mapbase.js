/*
 * What the town's map (map.js) and the pin picker (pin.js) share, over the
 * vendored Leaflet (static/vendor/leaflet/, `make vendor`). Every setting comes
 * from data- attributes of the map's root element (templates/reports/map.html,
 * includes/pin_map.html, both filled by the `map_config` template tag):
 *   data-tile-url, data-attribution (text), data-lat, data-lon, data-zoom,
 *   data-bounds ("south,west,north,east"), data-label, data-zoom-in,
 *   data-zoom-out, data-icon, data-icon-2x, data-icon-shadow.
 * No inline script and no style attribute in the markup: the
 * Content-Security-Policy stays 'self' (img-src adds the tile server's origin).
 */
window.SmartCitizenMap = (function () {
  "use strict";

  var L = window.L;
  // France, when a town has neither a centre nor bounds set.
  var FALLBACK_CENTRE = [46.6, 2.5];
  var FALLBACK_ZOOM = 5;

  function number(root, name) {
    var value = parseFloat(root.getAttribute(name));
    return isFinite(value) ? value : null;
  }

  function parseBounds(root) {
    var parts = (root.getAttribute("data-bounds") || "").split(",").map(parseFloat);
    if (parts.length !== 4 || parts.some(function (v) { return !isFinite(v); })) {
      return null;
    }
    return L.latLngBounds([parts[0], parts[1]], [parts[2], parts[3]]);
  }

  function escapeHtml(text) {
    var holder = document.createElement("span");
    holder.textContent = text || "";
    return holder.innerHTML;
  }

  /* A Leaflet map in `canvas`, set up from `root`'s attributes; returns
   * {map, bounds, placed} (`placed`: the town gave a centre or bounds). */
  function create(root, canvas) {
    var map = L.map(canvas, { zoomControl: false });
    L.control
      .zoom({
        zoomInTitle: root.getAttribute("data-zoom-in") || "+",
        zoomOutTitle: root.getAttribute("data-zoom-out") || "-",
      })
      .addTo(map);
    // The attribution is plain text in the settings: escaped, never markup.
    L.tileLayer(root.getAttribute("data-tile-url"), {
      attribution: escapeHtml(root.getAttribute("data-attribution")),
      maxZoom: 19,
    }).addTo(map);
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", root.getAttribute("data-label") || "");
    var bounds = parseBounds(root);
    var lat = number(root, "data-lat");
    var lon = number(root, "data-lon");
    var zoom = number(root, "data-zoom") || 13;
    if (lat !== null && lon !== null) {
      map.setView([lat, lon], zoom);
    } else if (bounds) {
      map.fitBounds(bounds);
    } else {
      map.setView(FALLBACK_CENTRE, FALLBACK_ZOOM);
    }
    return { map: map, bounds: bounds, placed: lat !== null || bounds !== null };
  }

  /* Leaflet's marker picture from its static URLs (its own guess from the
   * style sheet fails on hashed static file names). */
  function icon(root) {
    return L.icon({
      iconUrl: root.getAttribute("data-icon"),
      iconRetinaUrl: root.getAttribute("data-icon-2x"),
      shadowUrl: root.getAttribute("data-icon-shadow"),
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
  }

  /* Say `text` in an aria-live region, even when it is the same as before. */
  function say(region, text) {
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  return { create: create, icon: icon, say: say, bounds: parseBounds, escapeHtml: escapeHtml };
})();
