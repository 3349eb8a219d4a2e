/*
 * The pin picker of a new report (templates/reports/includes/pin_map.html):
 * shows the map the include hides without JavaScript, and writes the position
 * into the form's `latitude` and `longitude` inputs. A tap (or click) places
 * the marker, which can be dragged; « Ma position » asks the browser
 * (navigator.geolocation); « Placer le repère au centre » places it where the
 * keyboard panned the map (arrows on the focused map); arrows on the focused
 * marker move it. A point outside the town's bounds is refused with the
 * include's French message in its aria-live region, and the inputs keep the
 * last good point. The server checks the position again (reports.geo).
 */
(function () {
  "use strict";

  if (!window.L || !window.SmartCitizenMap) return;
  var L = window.L;
  var base = window.SmartCitizenMap;
  // Pixels a marker moves per arrow key (Shift: finer).
  var STEP = 20;
  var FINE_STEP = 4;
  var ARROWS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

  function setup(root) {
    var form = root.closest("form") || document;
    // Another page may name its inputs (car-pooling's two meeting points).
    var latitude = form.querySelector(
      "input[name=" + (root.getAttribute("data-lat-input") || "latitude") + "]"
    );
    var longitude = form.querySelector(
      "input[name=" + (root.getAttribute("data-lon-input") || "longitude") + "]"
    );
    if (!latitude || !longitude) return;
    var status = root.querySelector("[data-pin-status]");
    root.hidden = false;
    var made = base.create(root, root.querySelector("[data-pin-map-canvas]"));
    var map = made.map;
    var marker = null;

    function inside(point) {
      return !made.bounds || made.bounds.contains(point);
    }

    function write(point) {
      [
        [latitude, point.lat],
        [longitude, point.lng],
      ].forEach(function (pair) {
        pair[0].value = pair[1].toFixed(6);
        pair[0].dispatchEvent(new Event("input", { bubbles: true }));
        pair[0].dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    function onMarkerKey(event) {
      var move = ARROWS[event.key];
      if (!move) return;
      // The map would pan on the same keys: the marker moves instead.
      event.preventDefault();
      event.stopPropagation();
      var step = event.shiftKey ? FINE_STEP : STEP;
      var at = map.latLngToContainerPoint(marker.getLatLng());
      place(map.containerPointToLatLng(at.add([move[0] * step, move[1] * step])));
    }

    function makeMarker(point) {
      marker = L.marker(point, {
        icon: base.icon(root),
        draggable: true,
        keyboard: true,
        alt: root.getAttribute("data-marker-label") || "",
        title: root.getAttribute("data-marker-label") || "",
      }).addTo(map);
      var kept = point;
      marker.on("dragstart", function () {
        kept = marker.getLatLng();
      });
      marker.on("dragend", function () {
        var dropped = marker.getLatLng();
        if (inside(dropped)) {
          write(dropped);
          base.say(status, root.getAttribute("data-placed-text"));
        } else {
          marker.setLatLng(kept);
          base.say(status, root.getAttribute("data-outside-text"));
        }
      });
      marker.getElement().addEventListener("keydown", onMarkerKey);
    }

    /* Put the marker at `point` and write it; false (and the message) when
     * the point is outside the town. */
    function place(point, quiet) {
      if (!inside(point)) {
        base.say(status, root.getAttribute("data-outside-text"));
        return false;
      }
      if (marker) marker.setLatLng(point);
      else makeMarker(point);
      write(point);
      if (!quiet) base.say(status, root.getAttribute("data-placed-text"));
      return true;
    }

    map.on("click", function (event) {
      place(event.latlng);
    });

    var centre = root.querySelector("[data-pin-centre]");
    if (centre) {
      centre.addEventListener("click", function () {
        place(map.getCenter());
      });
    }

    var locate = root.querySelector("[data-pin-locate]");
    if (locate && !("geolocation" in navigator)) {
      locate.hidden = true;
    } else if (locate) {
      locate.addEventListener("click", function () {
        base.say(status, root.getAttribute("data-locating-text"));
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var point = L.latLng(position.coords.latitude, position.coords.longitude);
            if (place(point)) map.setView(point, Math.max(map.getZoom(), 17));
          },
          function () {
            base.say(status, root.getAttribute("data-denied-text"));
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }

    // A form shown again (an error in another field) keeps its point.
    var lat = parseFloat(latitude.value);
    var lon = parseFloat(longitude.value);
    if (isFinite(lat) && isFinite(lon)) {
      var point = L.latLng(lat, lon);
      if (place(point, true)) map.setView(point, Math.max(map.getZoom(), 16));
    }
  }

  var roots = document.querySelectorAll("[data-pin-map]");
  for (var i = 0; i < roots.length; i++) setup(roots[i]);
})();
