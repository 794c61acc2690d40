/*
 * Offer list ("Angebote finden"), enhancement on top of the plain GET form:
 * - htmx requests of the filter form leave out empty fields, so the address
 *   pushed into the history stays short (?zielgruppe=senioren);
 * - after htmx replaces the results region, the new result count is
 *   announced in the polite live region #sp-live;
 * - after a pagination click the focus moves to the result heading (the
 *   clicked link is gone).
 */
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || elt.id !== "sp-filter-form") { return; }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") { delete params[key]; }
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "sp-results") { return; }
    var count = target.querySelector("[data-sp-count]");
    var live = document.getElementById("sp-live");
    if (count && live) { live.textContent = count.textContent.replace(/\s+/g, " ").trim(); }
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (count && trigger && trigger.closest && trigger.closest(".sp-pagination")) {
      count.focus();
    }
  });
}());
