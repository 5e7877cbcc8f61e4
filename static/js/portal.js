// Small behaviours that would otherwise need inline script (forbidden by the CSP).
document.addEventListener("DOMContentLoaded", function () {
  // Focus the first field marked autofocus after htmx swaps too.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var field = event.detail.target.querySelector("[autofocus]");
    if (field) { field.focus(); }
  });
});
