// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit")) {
    el.form.submit();
  }
});
// Ask before destructive actions: <form data-confirm="...">.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// One-time form tokens (D-TRUST-1, core/idempotency.py) belong to the history entry the page
// was first shown in. Back or Forward may fetch the page anew, with new tokens: the tokens
// first given are put back, so sending the form again is seen as a replay, not as a new
// request. A new visit of the page (a link, a redirect) is a new entry, with new tokens.
(() => {
  const fields = document.querySelectorAll("input[name=idempotency_token]");
  if (!fields.length) return;
  const state = history.state && typeof history.state === "object" ? history.state : {};
  const kept = state.idempotencyTokens || {};
  const tokens = {};
  const seen = {};
  fields.forEach((field) => {
    const action = (field.form && field.form.getAttribute("action")) || "";
    seen[action] = (seen[action] || 0) + 1;
    const key = `${action}#${seen[action]}`;
    if (kept[key]) field.value = kept[key];
    tokens[key] = field.value;
  });
  history.replaceState({ ...state, idempotencyTokens: tokens }, "");
})();
