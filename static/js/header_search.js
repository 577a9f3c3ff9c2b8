// The header search: "/" focuses it from any page (not while typing in a field); as the user
// types, a list of suggestions (a combobox: arrow keys choose, Enter opens, Escape closes).
// Without this script the box is a plain GET form to the results page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-header-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector("[role=listbox]");
  var note = form.querySelector(".header-search-note");
  var url = form.getAttribute("data-suggest-url");
  var active = -1;
  var timer = null;
  var asked = 0; // the newest request: an older answer arriving late is dropped

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function choose(index) {
    var all = options();
    active = index;
    for (var i = 0; i < all.length; i++) {
      all[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) choose(-1);
  }

  function say(text) {
    note.textContent = text;
    note.hidden = !text;
  }

  function render(data) {
    list.textContent = "";
    (data.results || []).forEach(function (result, i) {
      var item = document.createElement("li");
      item.id = "header-search-option-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      // An option holds no link (no control inside a control): Enter or a click opens its page.
      item.setAttribute("data-url", result.url);
      var name = document.createElement("span");
      name.className = "header-search-name";
      name.textContent = result.name;
      var detail = document.createElement("span");
      detail.className = "header-search-detail";
      detail.textContent = result.status + (result.domain ? " · " + result.domain : "");
      item.appendChild(name);
      item.appendChild(detail);
      list.appendChild(item);
    });
    var found = list.children.length;
    show(found > 0);
    say(data.error || (found ? "" : "No prospect or customer matches."));
  }

  function suggest() {
    var q = input.value.trim();
    var mine = ++asked;
    if (q.length < 2) {
      render({ results: [] });
      say("");
      return;
    }
    fetch(url + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        // A refused parameter is said in plain text; everything else is JSON.
        var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        return json ? response.json() : response.text().then(function (text) {
          return { results: [], error: text };
        });
      })
      .then(function (data) { if (mine === asked) render(data); })
      .catch(function () { /* the Search button still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });

  input.addEventListener("keydown", function (event) {
    var all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      show(true);
      // From the box (-1) through each suggestion and back to the box, either way round.
      var next = active + (event.key === "ArrowDown" ? 1 : -1);
      if (next >= all.length) next = -1;
      if (next < -1) next = all.length - 1;
      choose(next);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(all[active].getAttribute("data-url"));
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        show(false);
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        say("");
      }
    }
  });

  input.addEventListener("focus", function () {
    if (options().length) show(true);
  });

  // A click on a suggestion opens it; pressing on it keeps the focus in the box.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) window.location.assign(option.getAttribute("data-url"));
  });

  // Close when the focus leaves the search.
  form.addEventListener("focusout", function (event) {
    if (!form.contains(event.relatedTarget)) show(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || target.closest("input, textarea, select")) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
