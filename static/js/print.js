// "Imprimer" buttons (`data-print`): shown and wired here, not by an inline
// onclick, which the Content-Security-Policy refuses. Without JavaScript they
// stay hidden and the page tells to use the browser's own print command.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
