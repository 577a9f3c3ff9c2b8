// Submit appears once both statements are ticked and the Order Number is given or not required
// (the seeds: "enter your Order Number, or, select the Order Number Not Required checkbox and
// select the two checkboxes"); until then the hint says what is still missing, and the Order
// Number's own problem is said next to it (order_number.js). The server checks them again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-review-form]");
  if (!form || !window.portalOrderNumber) return;
  var submit = form.querySelector("[data-appears-when-ticked]");
  var hint = form.querySelector("[data-tick-hint]");
  var touched = false;

  function update(event) {
    if (event) touched = true;
    var left = window.portalOrderNumber.missing(form, touched);
    submit.hidden = left.length > 0;
    hint.hidden = left.length === 0;
    if (left.length) hint.textContent = "For Submit to appear: " + left.join("; ") + ".";
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
