// Small behaviours that would otherwise need inline script (forbidden by the CSP).
(function () {
  "use strict";

  // <form data-confirm="…">: ask before a destructive submit (hx-confirm only covers htmx requests).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <button data-toggle-menu="id">: open or close the header's folded menu on narrow screens (Bootstrap's
  // collapse without Bootstrap's JS: the CSS shows a .collapse element once it has .show).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-toggle-menu]");
    var menu = button && document.getElementById(button.getAttribute("data-toggle-menu"));
    if (menu) {
      var open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  // <button data-remove-closest=".chip">: remove the nearest ancestor matching the selector (picker chips).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-closest]");
    var chip = button && button.closest(button.getAttribute("data-remove-closest"));
    if (chip) {
      event.preventDefault();
      chip.remove();
    }
  });

  // <input data-enter-clicks="#list .option">: Enter picks the first option instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    var selector = event.key === "Enter" && event.target.getAttribute && event.target.getAttribute("data-enter-clicks");
    if (selector) {
      event.preventDefault();
      var option = document.querySelector(selector);
      if (option) {
        option.click();
      }
    }
  });

  // Focus the field marked autofocus inside swapped content (history restores carry no target).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var field = target && target.querySelector ? target.querySelector("[autofocus]") : null;
    if (field && document.activeElement !== field && !target.contains(document.activeElement)) {
      field.focus();
    }
  });
})();
