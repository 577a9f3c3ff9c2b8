// Small behaviours for every page, here rather than in inline handlers (the CSP allows none).
(function () {
  "use strict";
  // A value to copy (a new API token): one click selects all of it.
  document.addEventListener("click", function (event) {
    var field = event.target.closest("[data-select-on-click]");
    if (field) field.select();
  });

  // On a phone each row of a table is a card (portal.css), and each cell says its column's
  // header: data-label, from the header above it, where the template has not written one.
  function labelCells(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (!table.tHead || !table.tHead.rows.length) return;
      var headers = [];
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
        for (var i = 0; i < th.colSpan; i++) headers.push(th.textContent.trim());
      });
      var rows = table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr");
      rows.forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.tagName === "TD" && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headers[column] || "");
          }
          column += cell.colSpan;
        });
      });
    });
  }
  labelCells(document);
  // A table htmx puts in the page (a quote's preview) is labelled when it arrives.
  document.addEventListener("htmx:afterSwap", function () { labelCells(document); });
})();
