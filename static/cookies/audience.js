// Audience measurement, served from our own origin and loaded only after consent:
// a random first-party id, set once and never extended (its lifetime runs from the
// first visit), and one beacon per page view.
(function () {
  var s = document.currentScript;
  var found = document.cookie.match(/(?:^|; )audience_id=([^;]+)/);
  if (!found) {
    var id = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
    document.cookie = "audience_id=" + id + "; Max-Age=" + s.getAttribute("data-max-age") +
      "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }
  // A returning visit: the id was there before, and the visitor arrived from elsewhere.
  var fromHere = document.referrer.indexOf(location.origin + "/") === 0;
  var body = JSON.stringify({ path: location.pathname, returning: !!found && !fromHere });
  navigator.sendBeacon(s.getAttribute("data-endpoint"), new Blob([body], { type: "application/json" }));
})();
