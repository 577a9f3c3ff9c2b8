// Submit Order opens only when the order is complete; the server checks it all again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-order-form]");
  if (!form) return;
  var submit = form.querySelector("[data-submit-order]");
  var hint = form.querySelector("[data-submit-hint]");

  function complete() {
    var answered = Array.prototype.every.call(
      form.querySelectorAll("select[data-needed]"),
      function (select) { return select.value !== ""; }
    );
    var number = form.elements["order_number"].value.trim() !== "";
    var notRequired = form.elements["order_number_not_required"].checked;
    return answered && number !== notRequired &&
      form.elements["accept_msa"].checked && form.elements["accept_authority"].checked;
  }

  function update() {
    var ok = complete();
    submit.disabled = !ok;
    hint.hidden = ok;
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  document.body.addEventListener("htmx:afterSwap", update);
  update();
})();
