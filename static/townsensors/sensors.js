/*
 * Town sensors' live values: on a "sensor.values" event of the page's sensors
 * stream (static/js/live.js dispatches every event as "live:event"), each
 * sensor the page shows gets its new value, « à l'instant » and its state, in
 * words (the translated texts come from [data-sensors-texts]).
 */
(function () {
  "use strict";
  var texts = document.querySelector("[data-sensors-texts]");
  if (!texts) return;
  function each(attribute, id, apply) {
    var nodes = document.querySelectorAll("[" + attribute + '="' + id + '"]');
    for (var i = 0; i < nodes.length; i++) apply(nodes[i]);
  }
  function formatted(value, unit) {
    if (value === null || value === undefined) return texts.getAttribute("data-no-value");
    var text = Number(value).toLocaleString(document.documentElement.lang || undefined, {
      maximumFractionDigits: 2
    });
    return unit ? text + " " + unit : text;
  }
  document.addEventListener("live:event", function (event) {
    var frame = event.detail || {};
    if (frame.event !== "sensor.values" || !frame.data || !frame.data.sensors) return;
    frame.data.sensors.forEach(function (sensor) {
      var id = String(sensor.id);
      each("data-sensor-value", id, function (node) {
        node.textContent = formatted(sensor.value, sensor.unit);
      });
      if (sensor.observed_at && sensor.age_seconds !== null && sensor.age_seconds < 120) {
        each("data-sensor-age", id, function (node) {
          node.textContent = texts.getAttribute("data-just-now");
        });
      }
      each("data-sensor-status", id, function (node) {
        node.textContent = texts.getAttribute(sensor.silent ? "data-silent" : "data-active");
        node.classList.toggle("sensor-status-silent", !!sensor.silent);
      });
    });
  });
})();
