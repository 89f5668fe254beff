// Before the OIDC redirect: can this (possibly third-party) frame keep a cookie?
// Yes: continue in place. No: offer a new window instead of a dead end.
(function () {
  "use strict";
  var box = document.getElementById("cookie-check");
  if (!box) { return; }
  var url = box.getAttribute("data-continue-url");
  var secure = box.getAttribute("data-secure") === "true";
  var attributes = "; path=/" + (secure ? "; SameSite=None; Secure; Partitioned" : "");
  document.cookie = "mw_cookie_check=1" + attributes;
  if (document.cookie.indexOf("mw_cookie_check=1") !== -1) {
    document.cookie = "mw_cookie_check=; expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes;
    window.location.replace(url);
    return;
  }
  document.getElementById("cookie-check-loading").hidden = true;
  var blocked = document.getElementById("cookie-check-blocked");
  blocked.hidden = false;
  var link = document.getElementById("cookie-check-new-window");
  link.focus();
})();
