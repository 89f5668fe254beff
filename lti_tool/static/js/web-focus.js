/* Mentoring web: after a save, focus the confirmation (it is in view and read out); after an
   error, focus the error summary. Without script both are still at the top of the page. */
(function () {
  var target = document.querySelector("[data-focus-on-load]") || document.getElementById("error-summary");
  if (!target) { return; }
  target.focus();
  if (target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
})();
