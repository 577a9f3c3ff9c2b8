// Submit appears only once both statements are ticked; the server checks them again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-review-form]");
  if (!form) return;
  var submit = form.querySelector("[data-appears-when-ticked]");
  var hint = form.querySelector("[data-tick-hint]");
  function update() {
    var ticked = form.elements["accept_msa"].checked && form.elements["accept_authority"].checked;
    submit.hidden = !ticked;
    hint.hidden = ticked;
  }
  form.addEventListener("change", update);
  update();
})();
