// Warn before leaving a page whose form holds text not yet saved (forms marked
// data-unsaved-warning). Submitting the form clears the warning. A static file, so the
// Content-Security-Policy needs no inline script for it.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) { return; }
  var unsaved = false;
  function mark() {
    unsaved = true;
    document.documentElement.setAttribute("data-unsaved", "true");
  }
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      unsaved = false;
      document.documentElement.removeAttribute("data-unsaved");
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!unsaved) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their own warning
  });
})();
