// Loaded as a module (no inline scripts, so a strict Content Security Policy can forbid them).
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A printout says when it was printed: the page may have been open for hours since the server wrote the time.
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
  "November", "December"];
window.addEventListener("beforeprint", () => {
  const now = new Date();
  const time = `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  for (const element of document.querySelectorAll("[data-app-printed]")) {
    element.textContent = `${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}, ${time}`;
  }
});

// A background job's page (jobs/templates/jobs/job_detail.html) follows the job without reloading: it asks for the
// job's status every second or two and updates the tag, the progress line (a polite live region) and, at the end,
// shows the link to the result or the error. Without JavaScript the page's "Check again" link does the same.
const JOB_TAGS = { queued: "govuk-tag--grey", running: "govuk-tag--blue", done: "govuk-tag--green", failed: "govuk-tag--red" };

function followJob(box) {
  const part = (name) => box.querySelector(`[data-app-job-${name}]`);
  if (!["queued", "running"].includes(box.dataset.appJobStatus)) return;
  part("check").hidden = true;
  let delay = 1000;
  const poll = async () => {
    let state;
    try {
      const response = await fetch(box.dataset.appJob, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      state = await response.json();
    } catch {
      part("check").hidden = false; // signed out, or the network dropped: the link still works
      return;
    }
    const tag = part("tag");
    tag.className = `govuk-tag ${JOB_TAGS[state.status] || ""}`;
    tag.textContent = state.status_label;
    if (part("progress").textContent !== state.line) part("progress").textContent = state.line;
    if (!state.finished) {
      delay = Math.min(delay * 1.25, 3000);
      setTimeout(poll, delay);
      return;
    }
    if (state.result_url) {
      const link = part("result-link");
      link.href = state.result_url;
      link.textContent = state.result_label || "See the result";
      if (state.status === "failed") link.classList.add("govuk-button--secondary");
      part("result").hidden = false;
    }
    if (state.status === "failed") {
      part("error").textContent = state.error;
      part("failed").hidden = false;
    }
  };
  setTimeout(poll, delay);
}

for (const box of document.querySelectorAll("[data-app-job]")) followJob(box);
