// The pages' own behaviour, in one file served from this site: the Content-Security-Policy (core.middleware)
// allows scripts from this site only — no inline scripts or handlers, no eval (htmx runs with allowEval off).
(function () {
  "use strict";

  // "renda:typed": a text field changed, and no input method is still composing (the pinyin of a word being typed
  // is no text yet). The text assistant and the reply advice ask on it (hx-trigger="renda:typed changed …").
  function typed(e) {
    e.target.dispatchEvent(new CustomEvent("renda:typed", { bubbles: true }));
  }
  document.addEventListener("input", function (e) { if (!e.isComposing) { typed(e); } }, true);
  document.addEventListener("compositionend", typed, true);

  function categorySelect(elt) {
    var form = elt.closest("form");
    return form && form.querySelector("select[name=category]");
  }

  // 采用: one tap puts the proposed category into the form's category field
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-apply-category]");
    if (!button) { return; }
    var select = categorySelect(button), value = button.dataset.value;
    if (select && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
      button.textContent = "已采用";
    }
  });

  // a new answer of the assistant shows a proposal already taken into the field as taken
  document.addEventListener("htmx:afterSwap", function (e) {
    var box = e.target.closest && e.target.closest("[data-testid=insights-assist]");
    if (!box) { return; }
    var select = categorySelect(box), button = box.querySelector("[data-apply-category]");
    if (select && button && select.value === button.dataset.value) { button.textContent = "已采用"; }
  });

  // a reply form shown again with what was typed (refused: 422) asks for its advice at once, not only after the
  // next keystroke: the box showed its placeholder beside a draft it had judged before (hx-trigger "renda:refill")
  document.addEventListener("htmx:load", function (e) {
    var root = e.target && e.target.querySelectorAll ? e.target : document;
    root.querySelectorAll("[data-testid=insights-reply-advice]").forEach(function (box) {
      var form = box.closest("form"), text = form && form.querySelector("textarea");
      if (text && text.value.trim()) { box.dispatchEvent(new CustomEvent("renda:refill")); }
    });
  });

  // data-confirm on a form or a button: ask before submitting
  document.addEventListener("submit", function (e) {
    var message = e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { e.preventDefault(); }
  }, true);
  // data-submit-once on a form that starts a long job (an import): a second click while the first is on its way is
  // not sent again for a while, and the button says so; the server refuses a second run as well. After
  // SUBMIT_WAIT, or back on the page from the browser's cache, the form is usable again (an upload stopped by a
  // dropped network or Esc leaves the page as it was, and must be sent again)
  var SUBMIT_WAIT = 15000;
  function unlock(form) {
    delete form.dataset.submitted;
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.removeAttribute("aria-disabled");
      if (b.dataset.label) { b.textContent = b.dataset.label; }
    });
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-submit-once")) { return; }
    if (form.dataset.submitted) { e.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.dataset.label = b.dataset.label || b.textContent;
      b.setAttribute("aria-disabled", "true");
      b.textContent = b.dataset.busy || "正在处理…";
    });
    setTimeout(function () { unlock(form); }, SUBMIT_WAIT);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(unlock);
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { e.preventDefault(); }
  }, true);

  // data-filter-list: a search box over a long list of check boxes (e.g. 附议代表): rows whose text lacks what is
  // typed are hidden, ticked rows always stay in sight; the count of ticked boxes is shown in data-filter-count
  function filterList(input) {
    var list = document.getElementById(input.dataset.filterList);
    if (!list) { return; }
    var query = input.value.trim(), ticked = 0;
    list.querySelectorAll("label").forEach(function (label) {
      var box = label.querySelector("input[type=checkbox]"), row = label.parentElement === list ? label : label.parentElement;
      if (box && box.checked) { ticked++; }
      row.hidden = !!query && label.textContent.indexOf(query) < 0 && !(box && box.checked);
    });
    var count = document.getElementById(input.dataset.filterCount);
    if (count) { count.textContent = "已选 " + ticked + " 人"; }
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-filter-list]")) { filterList(e.target); }
  });
  // Enter (or a phone keyboard's 搜索 key) in the filter only filters: in a form it would press the form's first
  // button, on the paper form 代录并提交. Without this script the filter stays hidden.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("input[data-filter-list]")) { e.preventDefault(); }
  });
  document.addEventListener("change", function (e) {
    var list = e.target.closest && e.target.closest(".checklist[id]");
    var input = list && document.querySelector("input[data-filter-list='" + list.id + "']");
    if (input) { filterList(input); }
  });

  // data-print: print the page; data-autosubmit on a select: submit its form when it changes
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) { window.print(); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-autosubmit]") && e.target.form) { e.target.form.submit(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
      input.hidden = false;
      filterList(input);
    });
    // an election ballot (data-seats): warn when more candidates are chosen than there are seats
    document.querySelectorAll("form[data-seats]").forEach(function (form) {
      var seats = +form.dataset.seats, warn = document.getElementById(form.dataset.seatsWarning);
      form.addEventListener("input", function () {
        var chosen = form.querySelectorAll("input[type=radio][value=yes]:checked").length;
        form.querySelectorAll("input[name=write_in]").forEach(function (i) { if (i.value.trim()) { chosen++; } });
        if (warn) { warn.hidden = chosen <= seats; }
      });
    });
    // a vote receipt (data-save-receipt): kept on this phone to check the published list later
    document.querySelectorAll("[data-save-receipt]").forEach(function (el) {
      try { localStorage.setItem(el.dataset.saveReceipt, el.dataset.fingerprint); } catch (err) { /* private mode */ }
    });
    // the published receipts (data-receipt-key): find one's own by its fingerprint, on the phone only
    document.querySelectorAll("input[data-receipt-key]").forEach(function (input) {
      var out = document.getElementById(input.dataset.receiptOut);
      var items = Array.prototype.map.call(document.querySelectorAll(input.dataset.receiptList + " li"),
        function (li) { return li.textContent.trim(); });
      try { var saved = localStorage.getItem(input.dataset.receiptKey); if (saved) { input.value = saved; } } catch (err) { /* private mode */ }
      function check() {
        var v = input.value.trim().toLowerCase();
        if (v.length < 8) { out.textContent = ""; return; }
        var hit = items.some(function (h) { return h.indexOf(v) === 0; });
        out.textContent = hit ? "已找到：您的选票已计入本轮结果。" : "未找到此核对码，请核对后再试，或向会议工作人员反映。";
      }
      input.addEventListener("input", check);
      check();
    });
  });
})();
