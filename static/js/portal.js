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
        var name = th.cloneNode(true);  // its words, without a sort arrow only seen
        name.querySelectorAll("[aria-hidden=true]").forEach(function (e) { e.remove(); });
        for (var i = 0; i < th.colSpan; i++) headers.push(name.textContent.trim());
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

  // The Menu button (the seeds' Menu icon, on a phone): a disclosure of the menu panel. It is
  // hidden until this runs, so that without JavaScript the menu simply stays open.
  var menuButton = document.querySelector(".menu-button");
  if (menuButton) {
    var setOpen = function (open) { menuButton.setAttribute("aria-expanded", String(open)); };
    menuButton.hidden = false;
    menuButton.addEventListener("click", function () {
      setOpen(menuButton.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes it from anywhere in the menu, and the focus goes back to the button.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || menuButton.getAttribute("aria-expanded") !== "true") return;
      if (getComputedStyle(menuButton).display === "none") return;  // a wide screen: no Menu
      setOpen(false);
      menuButton.focus();
    });
  }
  // A table htmx puts in the page (a quote's preview) is labelled when it arrives.
  document.addEventListener("htmx:afterSwap", function () { labelCells(document); });
})();
