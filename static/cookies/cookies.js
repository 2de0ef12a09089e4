// Cookie banner and panel: the forms work without JavaScript; with it they submit
// without a reload, the panel opens in place, and newly allowed scripts load at once.
(function () {
  var d = document;
  var panel = d.getElementById("cookie-panel");
  var banner = d.getElementById("cookie-banner");
  var back = null;

  function load(scripts) {
    scripts.forEach(function (s) {
      if (d.querySelector('script[src="' + s.src + '"]')) return;
      var e = d.createElement("script");
      e.src = s.src;
      for (var k in s.data) e.setAttribute("data-" + k, s.data[k]);
      d.body.appendChild(e);
    });
  }

  function done(json) {
    if (banner) banner.remove();
    banner = null;
    // Every copy of the panel shows the choice just made.
    d.querySelectorAll('input[name="categories"]').forEach(function (box) {
      box.checked = json.categories.indexOf(box.value) >= 0;
    });
    if (panel && panel.open) panel.close();
    load(json.scripts);
    (back && back.isConnected ? back : d.getElementById("content")).focus();
  }

  d.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList.contains("cookie-form") || form.dataset.plain || !window.fetch) return;
    e.preventDefault();
    var data = new FormData(form);
    if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
    // getAttribute: form.action would be the buttons named "action".
    fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw r; return r.json(); })
      .then(done)
      .catch(function () { form.dataset.plain = 1; form.requestSubmit(e.submitter); });
  });

  d.addEventListener("click", function (e) {
    var link = e.target.closest("[data-cookie-panel]");
    if (!link || !panel || !panel.showModal) return;
    e.preventDefault();
    back = link;
    panel.showModal();
  });

  if (banner) banner.focus();
})();
