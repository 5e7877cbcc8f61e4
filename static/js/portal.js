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

  // Focus the field marked autofocus inside swapped content (history restores carry no target).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var field = target && target.querySelector ? target.querySelector("[autofocus]") : null;
    if (field && document.activeElement !== field && !target.contains(document.activeElement)) {
      field.focus();
    }
  });
})();
