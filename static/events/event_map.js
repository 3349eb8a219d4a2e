/*
 * The small map of an event page (templates/events/includes/event_map.html):
 * the town map's tiles through reports' SmartCitizenMap, one marker at the
 * event's place. Without JavaScript the map stays hidden; the address is
 * written in the page.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-event-map]");
  if (!root || !window.L || !window.SmartCitizenMap) return;
  var canvas = root.querySelector("[data-event-map-canvas]");
  root.hidden = false;
  var made = window.SmartCitizenMap.create(root, canvas);
  var lat = parseFloat(root.getAttribute("data-lat"));
  var lon = parseFloat(root.getAttribute("data-lon"));
  if (isFinite(lat) && isFinite(lon)) {
    window.L.marker([lat, lon], {
      icon: window.SmartCitizenMap.icon(root),
      title: root.getAttribute("data-marker-label") || "",
      alt: root.getAttribute("data-marker-label") || "",
      keyboard: false,
    }).addTo(made.map);
  }
})();
