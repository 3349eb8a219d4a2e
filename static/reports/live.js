/*
 * Reports, live: on top of static/js/live.js, which subscribes to the page's
 * `data-live-stream="reports:<town id>"` (resuming from `data-live-since`) and
 * dispatches each event as "live:event". This script places what the events
 * of `reports:<id>` carry (reports.rendering.event_data):
 * - lists of cards, `<ol data-reports-list>`: a card already shown
 *   (`[data-report="<id>"]`) is replaced when the event's version is newer
 *   (`report.state`, `report.me_too`, `report.note`…); `report.created` adds a
 *   card at the top of a list marked `data-reports-insert` (its first page)
 *   when it matches the list's `data-reports-filter` (JSON: category_id,
 *   neighbourhood_id, states; null: any), and says « Nouveau signalement : … »
 *   in the page's polite live region (`[data-reports-announce]`, made if
 *   missing); `report.hidden` removes the card;
 * - a report's timeline, `<ol data-report-timeline="<id>">`: `update_html` is
 *   appended once (an entry already shown, `[data-update="<id>"]`, is
 *   replaced: a note unhidden by moderation);
 * - the map (reports/map.js): a "reports:pin" event on `document`, detail
 *   {action: "upsert"|"remove", id, latitude, longitude, state, state_label,
 *   category, url, matches}.
 * Include it with `{% load reports_map %}{% reports_live town %}` on a page
 * that shows cards or a timeline (docs/reports.md, « Carte »).
 */
(function () {
  "use strict";

  var STREAM = /^reports:\d+$/;

  function filterOf(list) {
    try {
      return JSON.parse(list.getAttribute("data-reports-filter") || "null") || {};
    } catch (error) {
      return {};
    }
  }

  function matches(filter, data) {
    if (filter.category_id != null && filter.category_id !== data.category_id) return false;
    if (filter.neighbourhood_id != null && filter.neighbourhood_id !== data.neighbourhood_id) {
      return false;
    }
    return !Array.isArray(filter.states) || filter.states.indexOf(data.state) !== -1;
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  function announcer() {
    var region = document.querySelector("[data-reports-announce]");
    if (!region) {
      region = document.createElement("p");
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      region.setAttribute("data-reports-announce", "");
      document.body.appendChild(region);
    }
    return region;
  }

  var region = document.querySelector("[data-reports-list]") ? announcer() : null;

  function announce(list, card) {
    if (!region) return;
    var title = card.querySelector(".report-card__title");
    var address = card.querySelector(".report-card__address");
    var words = [list.getAttribute("data-announce-text") || "Nouveau signalement :"];
    if (title) words.push(title.textContent.trim());
    if (address) words.push("— " + address.textContent.trim());
    region.textContent = words.join(" ");
  }

  /* Replace every card of the report the page shows by a newer one; true when
   * the page shows it at all. */
  function replaceCards(id, version, html) {
    var shown = document.querySelectorAll('[data-report="' + id + '"]');
    for (var i = 0; i < shown.length; i++) {
      var current = parseInt(shown[i].getAttribute("data-version"), 10) || 0;
      if (version > current) shown[i].replaceWith(parse(html));
    }
    return shown.length > 0;
  }

  function removeCards(id) {
    var shown = document.querySelectorAll('[data-report="' + id + '"]');
    for (var i = 0; i < shown.length; i++) {
      var item = shown[i].closest("[data-reports-list] > li") || shown[i];
      item.remove();
    }
  }

  function insertCard(data) {
    var lists = document.querySelectorAll("[data-reports-list][data-reports-insert]");
    for (var i = 0; i < lists.length; i++) {
      if (!matches(filterOf(lists[i]), data)) continue;
      var empty = lists[i].querySelector("[data-reports-empty]");
      if (empty) empty.remove();
      var item = document.createElement("li");
      var card = parse(data.html);
      item.appendChild(card);
      lists[i].insertBefore(item, lists[i].firstChild);
      announce(lists[i], card);
    }
  }

  function updateTimelines(data) {
    var timelines = document.querySelectorAll('[data-report-timeline="' + data.report_id + '"]');
    for (var i = 0; i < timelines.length; i++) {
      var shown = timelines[i].querySelector('[data-update="' + data.update_id + '"]');
      if (typeof data.update_html === "string") {
        var entry = parse(data.update_html);
        if (shown) shown.replaceWith(entry);
        else timelines[i].appendChild(entry);
      } else if (shown) {
        // A note hidden by moderation: its words leave the page.
        var note = shown.querySelector(".report-update__note");
        if (note) note.remove();
      }
    }
  }

  function pin(action, data, card) {
    var list = document.querySelector("[data-reports-filter]");
    var link = card && card.querySelector(".report-card__title a");
    document.dispatchEvent(
      new CustomEvent("reports:pin", {
        detail: {
          action: action,
          id: data.report_id,
          latitude: data.latitude,
          longitude: data.longitude,
          state: data.state,
          state_label: data.state_label,
          category: link ? link.textContent.trim() : "",
          url: link ? link.getAttribute("href") : "",
          matches: !!list && matches(filterOf(list), data),
        },
      })
    );
  }

  document.addEventListener("live:event", function (event) {
    var frame = event.detail || {};
    var data = frame.data || {};
    if (!STREAM.test(frame.stream || "") || typeof data.report_id !== "number") return;
    if (frame.event === "report.hidden" || typeof data.html !== "string") {
      removeCards(data.report_id);
      pin("remove", data, null);
      return;
    }
    var shown = replaceCards(data.report_id, data.version, data.html);
    if (!shown && frame.event === "report.created") insertCard(data);
    pin("upsert", data, parse(data.html));
    if (data.update_id) updateTimelines(data);
  });
})();
