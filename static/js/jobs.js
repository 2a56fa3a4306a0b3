// Progress bars of running jobs (/jobs/) and feed imports (/customers/imports/) follow the
// run without a reload. Each <div data-progress-url="…/progress.json"> polls its run until it
// is finished; with data-reload-on-finish the page reloads then, to show the result. Without
// JavaScript the page still shows the progress as of its loading.
// The JSON gives percent, status, status_label and finished; the progress text is its "text"
// if given, else "done / total"; the badge's colour class is its "badge" if given, else the
// jobs' one for the status.
(function () {
  "use strict";
  const POLL_MS = 2000;
  const BADGE = { succeeded: "ok", failed: "bad", running: "warn", pending: "" };

  function render(box, data) {
    const bar = box.querySelector(".progress");
    const fill = bar && bar.querySelector("span");
    if (fill) fill.style.width = data.percent + "%";
    if (bar) bar.setAttribute("aria-valuenow", String(data.percent));
    const text = box.querySelector("[data-job-progress-text]");
    if (text) {
      text.textContent = data.text !== undefined ? data.text : data.done + " / " + data.total;
    }
    const row = box.closest("tr") || document;
    const badge = row.querySelector("[data-job-status]");
    if (badge) {
      badge.textContent = data.status_label;
      const colour = data.badge !== undefined ? data.badge : BADGE[data.status] || "";
      badge.className = ("badge job-status " + colour).trim();
    }
  }

  function poll(box) {
    fetch(box.getAttribute("data-progress-url"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        render(box, data);
        if (!data.finished) {
          window.setTimeout(() => poll(box), POLL_MS);
        } else if (box.hasAttribute("data-reload-on-finish")) {
          window.location.reload();
        }
      })
      .catch((status) => {
        // Logged out or the run is gone: stop; a network hiccup: try again later.
        if (status !== 403 && status !== 404) window.setTimeout(() => poll(box), POLL_MS * 5);
      });
  }

  document.querySelectorAll("[data-progress-url]").forEach((box) => {
    window.setTimeout(() => poll(box), POLL_MS);
  });
})();
