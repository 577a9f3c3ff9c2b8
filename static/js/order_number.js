// The Order Number rule of orders/rules.py, said next to the field as the user types: a
// number, or Order Number Not Required ticked, not both. Its words come from the page (the
// server's own), so the page and the server cannot disagree.
(function () {
  "use strict";

  // "" when the Order Number is fine; otherwise what to do, in the server's words.
  function problem(form) {
    var details = form.querySelector("[data-order-details]");
    var number = form.elements["order_number"].value.trim() !== "";
    var notRequired = form.elements["order_number_not_required"].checked;
    if (number && notRequired) return details.getAttribute("data-number-both");
    if (!number && !notRequired) return details.getAttribute("data-number-missing");
    return "";
  }

  // Show the problem next to the field. A missing number is said once the user has done
  // something on the page (or the server said it): a new form does not open in red.
  function show(form, touched) {
    var message = problem(form);
    var details = form.querySelector("[data-order-details]");
    var error = details.querySelector("[data-number-error]");
    var field = details.querySelector("[data-number-field]");
    var missing = message === details.getAttribute("data-number-missing");
    var shown = message !== "" && (touched || !missing || !error.hidden);
    error.textContent = shown ? message : "";
    error.hidden = !shown;
    field.classList.toggle("has-error", shown);
    form.elements["order_number"].setAttribute("aria-invalid", shown ? "true" : "false");
    return message;
  }

  // What the order details (Order Number and the two statements) still need, as parts of the
  // hint beside Submit: the rule's message with a lower-case first letter and no full stop.
  function missing(form, touched) {
    var left = [];
    var number = show(form, touched);
    if (number) {
      var said = number.charAt(0).toLowerCase() + number.slice(1).replace(/\.$/, "");
      left.push("Order Number: " + said);
    }
    var unticked = ["accept_msa", "accept_authority"].filter(function (name) {
      return !form.elements[name].checked;
    }).length;
    if (unticked === 2) left.push("tick both boxes above");
    if (unticked === 1) left.push("tick the other box above");
    return left;
  }

  window.portalOrderNumber = { problem: problem, show: show, missing: missing };
})();
