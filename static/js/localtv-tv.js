/* The local channel's « mode télé »: a remote's (or keyboard's) left and right
   arrows choose the previous or next video, Enter plays or pauses. Nothing
   starts by itself on opening the page; once the viewer has played a video,
   the channel goes on with the next one of the page at its end, in the list's
   order, and stops after the page's last. The strings come from the page
   (data-status, data-captions-label). Without this file, the list's links
   open each video in the same page. */
(function () {
  "use strict";
  var root = document.querySelector("[data-tv]");
  var player = document.getElementById("tv-player");
  if (!root || !player) {
    return;
  }
  var items = Array.prototype.slice.call(root.querySelectorAll("[data-tv-item]"));
  var title = root.querySelector("[data-tv-title]");
  var description = root.querySelector("[data-tv-description]");
  var live = root.querySelector("[data-tv-live]");
  var index = 0;
  items.forEach(function (item, i) {
    if (item.getAttribute("aria-current") === "true") {
      index = i;
    }
  });

  function child(tag, attributes) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      element.setAttribute(name, attributes[name]);
    });
    return element;
  }

  function select(i) {
    if (i < 0 || i >= items.length) {
      return;
    }
    var item = items[i];
    items[index].removeAttribute("aria-current");
    index = i;
    item.setAttribute("aria-current", "true");
    item.focus();
    if (player.getAttribute("data-src") === item.dataset.src) {
      return;
    }
    player.pause();
    while (player.firstChild) {
      player.removeChild(player.firstChild);
    }
    player.appendChild(child("source", { src: item.dataset.src, type: item.dataset.type }));
    if (item.dataset.captions) {
      player.appendChild(child("track", {
        kind: "captions", srclang: "fr", default: "",
        label: root.dataset.captionsLabel, src: item.dataset.captions
      }));
    }
    player.setAttribute("data-src", item.dataset.src);
    player.setAttribute("aria-label", item.dataset.title);
    if (item.dataset.poster) {
      player.setAttribute("poster", item.dataset.poster);
    } else {
      player.removeAttribute("poster");
    }
    player.load();
    title.textContent = item.dataset.title;
    description.textContent = item.dataset.description;
    live.textContent = root.dataset.status
      .replace("%(number)s", String(i + 1))
      .replace("%(total)s", String(items.length))
      .replace("%(title)s", item.dataset.title);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", item.getAttribute("href"));
    }
  }

  // Past the page's first or last video, the list's previous or next page.
  function move(step, rel) {
    var next = index + step;
    if (next >= 0 && next < items.length) {
      select(next);
      return;
    }
    var page = root.querySelector('a[rel="' + rel + '"]');
    if (page) {
      window.location.assign(page.href);
    }
  }

  function toggle() {
    if (player.paused) {
      var playing = player.play();
      if (playing && playing.catch) {
        playing.catch(function () { /* the browser refused: its controls remain */ });
      }
    } else {
      player.pause();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, header, nav, footer")) {
      return;
    }
    if (event.key === "ArrowRight" || event.key === "MediaTrackNext") {
      event.preventDefault();
      move(1, "next");
    } else if (event.key === "ArrowLeft" || event.key === "MediaTrackPrevious") {
      event.preventDefault();
      move(-1, "prev");
    } else if (event.key === "Enter" || event.key === "MediaPlayPause") {
      var position = items.indexOf(target);
      if (position < 0 && target !== player && target !== document.body) {
        return;
      }
      event.preventDefault();
      if (position >= 0 && position !== index) {
        select(position);
      }
      toggle();
    }
  });
  items.forEach(function (item, i) {
    item.addEventListener("click", function (event) {
      event.preventDefault();
      select(i);
    });
  });
  player.setAttribute("data-src", items.length ? items[index].dataset.src : "");
  player.addEventListener("ended", function () {
    // A video that ended was started by the viewer (nothing autoplays), so
    // the browser lets the next one play: the channel plays in order.
    if (index + 1 < items.length) {
      select(index + 1);
      toggle();
    }
  });
})();
