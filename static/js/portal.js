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
  // <form data-autosave-flush hx-post="…">: typing is autosaved after a pause (hx-trigger delay). Leaving the page
  // during that pause would drop the last words, so on leaving the pending draft is sent at once with a keepalive
  // fetch (which outlives the page), and the browser warns while a save is not yet confirmed.
  var drafts = [];

  function draftOf(form) {
    for (var i = 0; i < drafts.length; i++) {
      if (drafts[i].form === form) { return drafts[i]; }
    }
    var draft = {form: form, edits: 0, saved: 0, sending: 0};
    drafts.push(draft);
    return draft;
  }

  function draftForm(element) {
    return element && element.closest ? element.closest("form[data-autosave-flush]") : null;
  }

  function csrfToken(form) {
    var field = form.querySelector("[name=csrf_token]");
    return field ? field.value : "";
  }

  function flush(draft) {
    if (draft.edits === draft.saved || draft.sending === draft.edits) { return; }
    var body = new URLSearchParams();
    new FormData(draft.form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "remove_file") { body.append(name, value); }
    });
    var edits = draft.edits;
    draft.sending = edits;
    fetch(draft.form.getAttribute("hx-post"), {
      method: "POST", body: body, keepalive: true, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(draft.form), "HX-Request": "true", "HX-Target": "autosave-status"}
    }).then(function (response) {
      if (response.ok && draft.saved < edits) { draft.saved = edits; }
    }, function () { draft.sending = 0; });
  }

  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = draftForm(event.target);
      if (form && event.target.type !== "file" && event.target.name !== "remove_file") { draftOf(form).edits++; }
    });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = draftForm(event.detail.elt);
    if (form) { event.detail.requestConfig.autosaveEdits = draftOf(form).edits; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = draftForm(event.detail.elt);
    var edits = event.detail.requestConfig && event.detail.requestConfig.autosaveEdits;
    if (form && event.detail.successful && edits !== undefined) {
      var draft = draftOf(form);
      if (draft.saved < edits) { draft.saved = edits; }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = draftForm(event.target);
    if (form) { var draft = draftOf(form); draft.saved = draft.edits; }  // the form itself carries the text
  });
  function flushAll() { drafts.forEach(flush); }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushAll(); }
  });
  window.addEventListener("pagehide", flushAll);
  window.addEventListener("beforeunload", function (event) {
    flushAll();
    var pending = drafts.some(function (draft) { return draft.saved < draft.edits; });
    if (pending) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need it set to show the warning
    }
  });
})();
