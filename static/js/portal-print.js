/*
 * Print button of the offer page: [data-sp-print] buttons are hidden in the
 * markup (they need JavaScript) and shown here; a click opens the browser's
 * print dialog. The print layout is the @media print block of app.css.
 */
(function () {
  "use strict";

  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sp-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
}());
