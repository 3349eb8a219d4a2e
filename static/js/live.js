/*
 * Smart Citizen live updates: one websocket to /ws/, the protocol of
 * docs/realtime.md. Loaded with <script src=".../js/live.js" defer></script>:
 * no inline script, nothing to allow in the Content-Security-Policy besides
 * 'self' for scripts and connect-src for the socket.
 *
 * The page works without it (reload to see new items); with it:
 *   <section data-live-stream="town:3" data-live-since="1234"
 *            data-live-reload-text="Nouveaux contenus : recharger la page">
 *     <ol data-live-list="town:3" data-live-order="newest-first"> ... </ol>
 *   </section>
 * - data-live-stream: a stream to subscribe to (several elements may name
 *   several streams); data-live-since: the id of the newest event when the page
 *   was rendered, so nothing published meanwhile is missed;
 * - data-live-list: where the `data.html` of that stream's events goes,
 *   newest first (default) or last (data-live-order="newest-last", for chat);
 *   an item whose root element carries an id replaces the element with that id
 *   (an edit, or an item the page already shows);
 * - data-live-match (optional, on a list): a JSON object of event data keys
 *   to lists of accepted values, e.g. {"author_id": [4, 9], "neighbourhood_id":
 *   [2]}; a new item goes into that list only when its event's data has one of
 *   the accepted values for one of the keys ("Mon fil" and a member's profile
 *   listen to their town's stream and keep what they show). An item the list
 *   already shows is replaced whatever the match;
 * - data-live-reload-text: the translated text of the link shown when the
 *   server says too much was missed to catch up ("reload").
 * Every event is also dispatched on `document` as a "live:event" CustomEvent
 * (detail: {stream, id, event, data}) for other scripts (unread badge...).
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "live:last:";
  var CLOSE_UNAUTHENTICATED = 4401;
  var BACKOFF_FIRST_MS = 1000;
  var BACKOFF_MAX_MS = 30000;

  var script = document.currentScript;
  var socket = null;
  var attempt = 0;
  var retryTimer = null;
  var stopped = false;
  // stream name -> {since: last id seen or null, refused: bool}
  var streams = {};

  function storedId(stream) {
    try {
      var value = window.sessionStorage.getItem(STORAGE_PREFIX + stream);
      return value === null ? null : parseInt(value, 10);
    } catch (error) {
      return null; // storage disabled: in-memory only
    }
  }

  function storeId(stream, id) {
    try {
      window.sessionStorage.setItem(STORAGE_PREFIX + stream, String(id));
    } catch (error) {
      /* storage full or disabled: the in-memory id still serves reconnects */
    }
  }

  function collectStreams() {
    var elements = document.querySelectorAll("[data-live-stream]");
    for (var i = 0; i < elements.length; i++) {
      var name = elements[i].getAttribute("data-live-stream");
      if (!name || streams[name]) continue;
      // The page's own position wins: it is what the page shows. Without one,
      // resume from what this tab saw last.
      var rendered = parseInt(elements[i].getAttribute("data-live-since"), 10);
      var since = isNaN(rendered) ? storedId(name) : rendered;
      streams[name] = { since: isNaN(since) ? null : since, refused: false };
    }
    return Object.keys(streams).length > 0;
  }

  function socketUrl() {
    var path = (script && script.getAttribute("data-live-url")) || "/ws/";
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + path;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    }
  }

  function subscribeAll() {
    Object.keys(streams).forEach(function (name) {
      if (!streams[name].refused) {
        send({ op: "subscribe", stream: name, since: streams[name].since });
      }
    });
  }

  // list element -> parsed data-live-match (null: every item), parsed once.
  var matchCache = typeof WeakMap === "function" ? new WeakMap() : null;

  function listMatch(list) {
    if (!list.hasAttribute("data-live-match")) return null;
    if (matchCache && matchCache.has(list)) return matchCache.get(list);
    var match;
    try {
      match = JSON.parse(list.getAttribute("data-live-match"));
    } catch (error) {
      match = {}; // unreadable: accept nothing new rather than everything
    }
    if (!match || typeof match !== "object") match = {};
    if (matchCache) matchCache.set(list, match);
    return match;
  }

  function matches(match, data) {
    if (match === null) return true;
    return Object.keys(match).some(function (key) {
      var accepted = match[key];
      return Array.isArray(accepted) && data && data[key] !== undefined &&
        data[key] !== null && accepted.indexOf(data[key]) !== -1;
    });
  }

  function insertHtml(stream, html, data) {
    var lists = document.querySelectorAll("[data-live-list]");
    for (var i = 0; i < lists.length; i++) {
      var list = lists[i];
      if (list.getAttribute("data-live-list") !== stream) continue;
      // <template> parses without running scripts or loading images early.
      var template = document.createElement("template");
      template.innerHTML = html;
      var item = template.content.firstElementChild;
      if (!item) continue;
      var existing = item.id ? document.getElementById(item.id) : null;
      if (existing && list.contains(existing)) {
        existing.replaceWith(template.content);
      } else if (!matches(listMatch(list), data)) {
        continue; // not something this list shows
      } else if (list.getAttribute("data-live-order") === "newest-last") {
        list.append(template.content);
      } else {
        list.prepend(template.content);
      }
    }
  }

  function showReload(stream) {
    var holder = null;
    var candidates = document.querySelectorAll("[data-live-stream]");
    for (var i = 0; i < candidates.length && !holder; i++) {
      if (candidates[i].getAttribute("data-live-stream") === stream) holder = candidates[i];
    }
    if (!holder || holder.querySelector(".live-reload")) return;
    var text =
      holder.getAttribute("data-live-reload-text") ||
      document.body.getAttribute("data-live-reload-text") ||
      "Nouveaux contenus : recharger la page";
    var notice = document.createElement("p");
    notice.className = "live-reload";
    notice.setAttribute("role", "status");
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = text;
    notice.appendChild(link);
    holder.insertBefore(notice, holder.firstChild);
  }

  function onEvent(frame) {
    var state = streams[frame.stream];
    if (!state || typeof frame.id !== "number") return;
    if (state.since !== null && frame.id <= state.since && frame.event !== "reload") {
      return; // already shown (a resubscribe can overlap)
    }
    if (frame.event === "reload") {
      showReload(frame.stream);
    } else if (frame.data && typeof frame.data.html === "string") {
      insertHtml(frame.stream, frame.data.html, frame.data);
    }
    if (state.since === null || frame.id > state.since) {
      state.since = frame.id;
      storeId(frame.stream, frame.id);
    }
    document.dispatchEvent(new CustomEvent("live:event", { detail: frame }));
  }

  function onError(frame) {
    // A stream we may not read, or that does not exist, will not change on a
    // retry: stop asking. Other errors (rate_limited, bad_request) are ignored.
    if ((frame.code === "forbidden" || frame.code === "unknown_stream") && streams[frame.stream]) {
      streams[frame.stream].refused = true;
    }
    if (window.console) window.console.warn("live:", frame.code, frame.stream || "", frame.message);
  }

  function onMessage(message) {
    var frame;
    try {
      frame = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    if (frame.op === "error") {
      onError(frame);
    } else if (typeof frame.stream === "string") {
      onEvent(frame);
    }
  }

  function scheduleReconnect() {
    if (stopped || retryTimer !== null) return;
    // Exponential backoff with full jitter, so that a restarted server is not
    // hit by every client at the same second.
    var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, attempt));
    var delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempt += 1;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect() {
    if (stopped) return;
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      attempt = 0;
      subscribeAll();
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === CLOSE_UNAUTHENTICATED) {
        stopped = true; // signed out: reloading the page is the way back
        return;
      }
      scheduleReconnect();
    });
  }

  function start() {
    if (!("WebSocket" in window) || !collectStreams()) return;
    connect();
    // Back online: no need to wait for the next backoff step.
    window.addEventListener("online", function () {
      if (socket === null && retryTimer !== null) {
        window.clearTimeout(retryTimer);
        retryTimer = null;
        attempt = 0;
        connect();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
