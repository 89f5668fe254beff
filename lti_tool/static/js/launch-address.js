// The course home came back as the answer to the LMS's id_token POST (one round trip fewer inside
// the LMS frame). Give the page its own address, so that reloading it or coming back to it asks
// for /l/<launch>/ by GET instead of posting the spent id_token again.
(function () {
  var script = document.currentScript;
  var address = script && script.getAttribute("data-address");
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address);
  }
})();
