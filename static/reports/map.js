/*
 * The town's map on /carte/ (templates/reports/map.html): the page is a list
 * that works alone; this script shows the map above it, with
 * - the reports' pins from `data-pins-url` (GeoJSON of the page's filters,
 *   reports:map-data), coloured by state and with the state in words in their
 *   popup (the list is the accessible equivalent of the pins);
 * - the sensors from the JSON data block named by `data-sensors-id`, each with
 *   its value in text on the map, « silencieux » when it is;
 * - live changes: "reports:pin" events of reports/live.js (a new report that
 *   matches the filters adds a pin, a change recolours it, a hidden report
 *   loses it) and `sensor.values` events of the town's sensors stream
 *   (static/js/live.js's "live:event"), which also update the sensor list;
 *   every 30 s the sensors' ages grow and a sensor past its expected interval
 *   turns « silencieux », as a reload would show it.
 * When tiles or pins fail, the list below is untouched and a status says so.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-town-map]");
  if (!root || !window.L || !window.SmartCitizenMap) return;
  var L = window.L;
  var base = window.SmartCitizenMap;
  var status = root.querySelector("[data-town-map-status]");
  var lang = document.documentElement.lang || "fr";

  // Colours of the states (the popup and the list say the state in words).
  var STATE_STYLES = {
    open: { color: "#a4161a" },
    acknowledged: { color: "#7a4b00" },
    resolved: { color: "#11603b" },
    closed: { color: "#4a525c", dashArray: "3 3" },
    duplicate: { color: "#4a525c", dashArray: "3 3" },
  };

  root.hidden = false;
  var made = base.create(root, root.querySelector("[data-town-map-canvas]"));
  var map = made.map;
  var reportsLayer = L.featureGroup().addTo(map);
  var sensorsLayer = L.featureGroup().addTo(map);
  var pins = {};
  var sensorMarkers = {};
  var layerNames = {};
  // Leaflet writes the names as markup: escaped.
  layerNames[base.escapeHtml(root.getAttribute("data-reports-layer-text"))] = reportsLayer;
  layerNames[base.escapeHtml(root.getAttribute("data-sensors-layer-text"))] = sensorsLayer;
  var layersControl = L.control.layers(null, layerNames, { collapsed: false }).addTo(map);
  // map-layers.js (loaded next) adds the other apps' layers to this map and control.
  base.townMap = { map: map, layers: layersControl, placed: made.placed };

  function pinStyle(state) {
    var style = STATE_STYLES[state] || STATE_STYLES.open;
    return {
      radius: 8,
      color: "#ffffff",
      weight: 2,
      fillColor: style.color,
      fillOpacity: 0.9,
      dashArray: style.dashArray || null,
    };
  }

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.category || "";
    var state = document.createElement("p");
    state.textContent = props.state_label || "";
    box.appendChild(title);
    box.appendChild(state);
    if (props.url) {
      var link = document.createElement("a");
      link.href = props.url;
      link.textContent = root.getAttribute("data-open-text") || props.url;
      box.appendChild(link);
    }
    return box;
  }

  function upsertPin(id, latitude, longitude, props, addNew) {
    var pin = pins[id];
    if (!pin) {
      if (!addNew || latitude === null || latitude === undefined) return;
      pin = L.circleMarker([latitude, longitude], pinStyle(props.state));
      pin.addTo(reportsLayer);
      pins[id] = pin;
    } else {
      pin.setStyle(pinStyle(props.state));
    }
    pin.feature = { properties: props };
    pin.bindPopup(popup(props));
    // The report's id on its drawn circle (tests/browser find pins by it).
    var element = pin.getElement();
    if (element) element.setAttribute("data-pin", String(id));
  }

  function removePin(id) {
    if (pins[id]) {
      reportsLayer.removeLayer(pins[id]);
      delete pins[id];
    }
  }

  function loadPins() {
    var url = root.getAttribute("data-pins-url");
    if (!url || !window.fetch) return;
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("pins: " + response.status);
        return response.json();
      })
      .then(function (data) {
        (data.features || []).forEach(function (feature) {
          var c = feature.geometry && feature.geometry.coordinates;
          if (!c) return;
          upsertPin(feature.properties.id, c[1], c[0], feature.properties, true);
        });
        if (data.truncated && status) status.textContent = root.getAttribute("data-truncated-text");
        if (!made.placed && reportsLayer.getLayers().length) {
          map.fitBounds(reportsLayer.getBounds(), { maxZoom: 16 });
        }
      })
      .catch(function () {
        if (status) status.textContent = root.getAttribute("data-failed-text");
      });
  }

  // Sensors: the same words as the list (its data-*-text attributes).
  var sensorList = document.querySelector("[data-sensor-list]");

  function text(name, fallback) {
    return (sensorList && sensorList.getAttribute(name)) || fallback;
  }

  function valueText(sensor) {
    if (sensor.value === null || sensor.value === undefined) {
      return text("data-no-value-text", "—");
    }
    var value = Number(sensor.value).toLocaleString(lang, { maximumFractionDigits: 2 });
    return sensor.unit ? value + "\u00a0" + sensor.unit : value;
  }

  function ageText(seconds) {
    if (seconds === null || seconds === undefined) return "";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) return text("data-now-text", "");
    if (minutes < 60) return text("data-minutes-text", "{n} min").replace("{n}", minutes);
    if (minutes < 1440) return text("data-hours-text", "{n} h").replace("{n}", Math.floor(minutes / 60));
    return text("data-days-text", "{n} j").replace("{n}", Math.floor(minutes / 1440));
  }

  function sensorIcon(sensor) {
    var label = document.createElement("span");
    label.className = "sensor-pin__label";
    // Without a value yet, the sensor's name says what the mark is.
    var hasValue = sensor.value !== null && sensor.value !== undefined;
    label.textContent =
      (hasValue ? valueText(sensor) : sensor.name) +
      (sensor.silent ? " — " + text("data-silent-text", "") : "");
    return L.divIcon({
      className: "sensor-pin" + (sensor.silent ? " sensor-pin--silent" : ""),
      html: label,
      iconSize: null,
    });
  }

  function sensorPopup(sensor) {
    var box = document.createElement("div");
    var title = document.createElement(sensor.url ? "a" : "strong");
    if (sensor.url) title.href = sensor.url;
    title.textContent = sensor.name;
    var value = document.createElement("p");
    value.textContent = [sensor.kind_label, valueText(sensor), ageText(sensor.age_seconds)]
      .filter(Boolean)
      .join(" · ");
    box.appendChild(title);
    box.appendChild(value);
    return box;
  }

  function updateSensorItem(sensor) {
    var item = document.querySelector('[data-sensor="' + Number(sensor.id) + '"]');
    if (!item) return;
    var value = item.querySelector("[data-sensor-value]");
    var age = item.querySelector("[data-sensor-age]");
    var silent = item.querySelector("[data-sensor-silent]");
    if (value) value.textContent = valueText(sensor);
    if (age) age.textContent = ageText(sensor.age_seconds);
    if (silent) silent.hidden = !sensor.silent;
    item.classList.toggle("sensor-item--silent", !!sensor.silent);
  }

  function showSensor(sensor, fromLive) {
    if (typeof sensor.id !== "number") return;
    var marker = sensorMarkers[sensor.id];
    var known = marker ? marker.sensor : {};
    if (typeof sensor.age_seconds === "number") {
      // The age the server gave, and when: tick() makes it grow from there
      // (the browser's clock may be wrong, a difference of its times is not).
      sensor = Object.assign({}, sensor, { baseAge: sensor.age_seconds, seenAt: Date.now() });
    }
    // A live event may carry only the changed fields: keep the rest.
    sensor = Object.assign({}, known, sensor);
    if (typeof sensor.latitude !== "number" || typeof sensor.longitude !== "number") return;
    if (!marker) {
      marker = L.marker([sensor.latitude, sensor.longitude], {
        icon: sensorIcon(sensor),
        keyboard: false,
        title: sensor.name,
      }).addTo(sensorsLayer);
      sensorMarkers[sensor.id] = marker;
    } else {
      marker.setIcon(sensorIcon(sensor));
    }
    marker.sensor = sensor;
    marker.bindPopup(sensorPopup(sensor));
    if (fromLive) updateSensorItem(sensor);
  }

  function loadSensors() {
    var holder = document.getElementById(root.getAttribute("data-sensors-id") || "");
    if (!holder) return;
    try {
      JSON.parse(holder.textContent).forEach(function (sensor) {
        showSensor(sensor, false);
      });
    } catch (error) {
      /* unreadable: the list still shows them */
    }
  }

  document.addEventListener("reports:pin", function (event) {
    var detail = event.detail || {};
    if (detail.action === "remove") {
      removePin(detail.id);
    } else {
      upsertPin(detail.id, detail.latitude, detail.longitude, detail, detail.matches);
    }
  });

  document.addEventListener("live:event", function (event) {
    var frame = event.detail || {};
    if (frame.event !== "sensor.values" || !/^sensors:/.test(frame.stream || "")) return;
    var data = frame.data;
    var sensors = Array.isArray(data) ? data : data && data.sensors;
    (sensors || []).forEach(function (sensor) {
      showSensor(sensor, true);
    });
  });

  // Time passes on an open map: ages grow, and a sensor that stops speaking
  // turns « silencieux » once its expected interval is over (no event says so).
  function tick() {
    Object.keys(sensorMarkers).forEach(function (id) {
      var marker = sensorMarkers[id];
      var sensor = marker.sensor;
      if (typeof sensor.baseAge !== "number") return;
      var seconds = sensor.baseAge + Math.floor((Date.now() - sensor.seenAt) / 1000);
      var silent =
        typeof sensor.interval_seconds === "number"
          ? seconds > sensor.interval_seconds
          : !!sensor.silent;
      if (ageText(seconds) === ageText(sensor.age_seconds) && silent === !!sensor.silent) {
        return;
      }
      sensor.age_seconds = seconds;
      sensor.silent = silent;
      marker.setIcon(sensorIcon(sensor));
      marker.bindPopup(sensorPopup(sensor));
      updateSensorItem(sensor);
    });
  }

  loadSensors();
  loadPins();
  window.setInterval(tick, 30000);
})();
