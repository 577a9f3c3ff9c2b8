// Submit Order opens only when the order is complete, and the hint beside it says exactly what
// is still missing; the Order Number's own problem is said next to it (order_number.js). The
// server checks it all again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-order-form]");
  if (!form || !window.portalOrderNumber) return;
  var submit = form.querySelector("[data-submit-order]");
  var hint = form.querySelector("[data-submit-hint]");
  var touched = false;

  function missing() {
    var left = [];
    var unanswered = Array.prototype.filter.call(
      form.querySelectorAll("select[data-needed]"),
      function (select) { return select.value === ""; }
    ).length;
    if (unanswered === 1) left.push("answer the last drop-down of Infrastructure Information");
    if (unanswered > 1) left.push("answer " + unanswered + " drop-downs of Infrastructure Information");
    return left.concat(window.portalOrderNumber.missing(form, touched));
  }

  function update(event) {
    if (event) touched = true;
    var left = missing();
    submit.disabled = left.length > 0;
    hint.hidden = left.length === 0;
    if (left.length) hint.textContent = "To open Submit Order: " + left.join("; ") + ".";
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  document.body.addEventListener("htmx:afterSwap", function () { update(); });
  update();
})();
