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

  // A menu group of the header (<details class="nav-group">) closes on a click outside it, as menus do.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      if (!group.contains(event.target)) {
        group.removeAttribute("open");
      }
    });
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

  // A failed htmx request (4xx/5xx other than a form's 422, or no answer at all) swaps nothing: say so where the
  // user is, in one alert just before the form (or, outside forms and in tables, at the top of <main>). The
  // message is the error page's own (it states the upload limit of a 413), else one by status.
  var REQUEST_ERRORS = {
    400: "请求无效或页面已过期，请刷新页面后重试。",
    403: "您没有权限执行此操作。",
    404: "页面或记录不存在，可能已被删除。",
    409: "记录已被他人修改，请刷新页面后重试。",
    413: "提交的内容太大，未能保存。请缩小或拆分附件后重试。"
  };

  function showRequestError(source, message) {
    var alert = document.getElementById("request-error");
    if (!alert) {
      alert = document.createElement("div");
      alert.id = "request-error";
      alert.className = "alert alert-danger alert-dismissible py-2";
      alert.setAttribute("role", "alert");
      var text = document.createElement("span");
      var close = document.createElement("button");
      close.type = "button";
      close.className = "btn-close";
      close.setAttribute("aria-label", "关闭");
      close.setAttribute("data-remove-closest", ".alert");
      alert.appendChild(text);
      alert.appendChild(close);
    }
    alert.firstChild.textContent = message;
    var form = source && source.closest ? source.closest("form") : null;
    var main = document.getElementById("main") || document.body;
    if (form && !form.closest("table") && main.contains(form)) {
      form.parentNode.insertBefore(alert, form);
    } else {
      main.insertBefore(alert, main.firstChild);
    }
    alert.scrollIntoView({block: "nearest"});
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = null;
    if (xhr && /text\/html/.test(xhr.getResponseHeader("Content-Type") || "")) {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var heading = page.querySelector(".portal-error-message");
      message = heading && heading.textContent.trim();
    }
    var status = xhr ? xhr.status : 0;
    showRequestError(event.detail.elt, message || REQUEST_ERRORS[status] ||
      "服务器出错（错误代码 " + status + "），操作未完成。请稍后重试或联系系统管理员。");
  });

  document.addEventListener("htmx:sendError", function (event) {
    showRequestError(event.detail.elt, "无法连接服务器，操作未完成。请检查网络后重试。");
  });

  // A request that succeeds clears the error left by an earlier one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var alert = document.getElementById("request-error");
    if (alert && event.detail.successful) {
      alert.remove();
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
