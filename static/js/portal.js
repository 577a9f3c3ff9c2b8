// Small behaviours for every page, here rather than in inline handlers (the CSP allows none).
(function () {
  "use strict";
  // A value to copy (a new API token): one click selects all of it.
  document.addEventListener("click", function (event) {
    var field = event.target.closest("[data-select-on-click]");
    if (field) field.select();
  });
})();
