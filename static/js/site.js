// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The language menu switches as soon as a language is chosen.
  document.querySelectorAll(".lang-switch select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Org chart: fetch a sub-tree when its unit is opened, instead of following the link.
  // The next sub-units of a unit (data-replace) take the place of their link,
  // after the ones shown, and the first of them gets the focus.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    var url = details.getAttribute("data-subtree");
    var slot = details.querySelector(":scope > .subtree-slot");
    if (!url || !slot || details.dataset.loaded) return;
    details.dataset.loaded = "1";
    slot.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        var first = template.content.querySelector("a.unit-name");
        if (details.hasAttribute("data-replace")) {
          details.replaceWith(template.content);
          if (first) first.focus();
        } else {
          slot.replaceWith(template.content);
        }
      })
      .catch(function () { delete details.dataset.loaded; slot.removeAttribute("aria-busy"); });
  }, true);
})();
