// Audience measurement, served from our own origin and loaded only after consent:
// a random first-party id (to tell returning visits) and one beacon per page view.
(function () {
  var s = document.currentScript;
  var found = document.cookie.match(/(?:^|; )audience_id=([^;]+)/);
  var id = found ? found[1] : (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
  document.cookie = "audience_id=" + id + "; Max-Age=" + s.getAttribute("data-max-age") +
    "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  var body = JSON.stringify({ path: location.pathname, returning: !!found });
  navigator.sendBeacon(s.getAttribute("data-endpoint"), new Blob([body], { type: "application/json" }));
})();
