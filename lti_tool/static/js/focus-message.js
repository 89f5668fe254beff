// After a save, a reply or a refused post, move focus to the message the page opens with (the
// confirmation or the error summary, marked data-focus-on-load and tabindex="-1"), so that a
// keyboard or screen-reader user is where the news is, not at the top of the page.
(function () {
  "use strict";
  function focusMessage() {
    var target = document.querySelector("[data-focus-on-load]");
    if (!target) { return; }
    target.focus();  // scrolls it into view if the page's #fragment has not already
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusMessage);
  } else {
    focusMessage();
  }
})();
