/*
 * Feeds pages on top of static/js/live.js (which inserts `data.html` into the
 * `data-live-list` of the event's stream and dispatches "live:event").
 * This script only adds what is particular to feeds, after live.js did its part:
 * - `data.remove`: a deleted or hidden item disappears;
 * - `data.comment_html`: a comment goes into its thread
 *   (`data-feeds-list="comments-<post>[-<comment>]"`);
 * - `data.replace_html`: replaces the element `data.item` if the page shows it
 *   (reaction counts, comment counts), and is never added as a new item;
 * - `data.item` + `data.html` outside a live list (post detail page): the item
 *   shown is replaced in place (edits);
 * - live copies are the same bytes for every viewer; they are made the
 *   viewer's here, from data attributes only: an item's `data-author` against
 *   the page's `data-feeds-member` keeps `data-owner-only` controls (edit,
 *   delete) on the viewer's own items and `data-others-only` ones (report) on
 *   the others'; reaction buttons keep the viewer's pressed state and are
 *   disabled on a page marked `data-feeds-read-only` (a sanctioned member);
 *   forms get the page's CSRF token and a return address.
 * Items by members the viewer blocked, was blocked by or muted never arrive:
 * the server leaves them out of this connection's frames (docs/realtime.md).
 * Without JavaScript none of this is needed: pages are rendered for the viewer.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-feeds-member]");
  if (!root) return;
  var me = root.getAttribute("data-feeds-member");
  var readOnly = root.hasAttribute("data-feeds-read-only");
  var pressed = {};

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : null;
  }

  function rememberPressed() {
    var buttons = document.querySelectorAll(".reaction[aria-pressed=true]");
    for (var i = 0; i < buttons.length; i++) {
      var form = buttons[i].closest("form");
      if (form) pressed[form.getAttribute("action") + " " + buttons[i].value] = true;
    }
  }

  function keepFor(scope, selector, mine) {
    var controls = scope.querySelectorAll(selector);
    for (var i = 0; i < controls.length; i++) {
      var item = controls[i].closest("[data-author]");
      if (item && (item.getAttribute("data-author") === me) !== mine) controls[i].remove();
    }
  }

  function fix(scope) {
    if (!scope || !scope.querySelectorAll) return;
    keepFor(scope, "[data-owner-only]", true);
    keepFor(scope, "[data-others-only]", false);
    var token = csrfToken();
    var forms = scope.querySelectorAll("form[method=post]");
    for (var j = 0; j < forms.length; j++) {
      var form = forms[j];
      if (token && !form.querySelector("input[name=csrfmiddlewaretoken]")) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        input.value = token;
        form.prepend(input);
      }
      var next = form.querySelector("input[name=next]");
      if (next && !next.value) next.value = window.location.pathname + window.location.search;
      var buttons = form.querySelectorAll(".reaction");
      for (var k = 0; k < buttons.length; k++) {
        var key = form.getAttribute("action") + " " + buttons[k].value;
        buttons[k].setAttribute("aria-pressed", pressed[key] ? "true" : "false");
        if (readOnly) buttons[k].disabled = true;
      }
    }
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  document.addEventListener("live:event", function (event) {
    var data = (event.detail && event.detail.data) || {};
    var current = data.item ? document.getElementById(data.item) : null;
    if (data.remove) {
      if (current) current.remove();
      return;
    }
    if (data.comment_html && data.list) {
      var list = document.querySelector('[data-feeds-list="' + data.list + '"]');
      var comment = fragment(data.comment_html);
      if (list && comment && !document.getElementById(comment.id)) {
        list.append(comment);
        fix(comment);
      }
    }
    if (data.replace_html && current) {
      var replacement = fragment(data.replace_html);
      if (replacement) {
        current.replaceWith(replacement);
        fix(replacement);
      }
    } else if (data.html && current) {
      var inList = current.closest('[data-live-list="' + event.detail.stream + '"]');
      if (!inList) {
        var fresh = fragment(data.html);
        if (fresh) {
          current.replaceWith(fresh);
          current = fresh;
        }
      }
      fix(current.parentNode || document);
    }
  });

  rememberPressed();
})();
