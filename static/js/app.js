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

// The lead and accountable pickers of an area's sheet (templates/actions/_sheet_posts.html) get a search box that
// hides the posts whose name does not contain what is typed. Without JavaScript every post is listed, and the
// summary line above each picker still says who is chosen; it is kept up to date here as boxes are ticked.
function enhancePicker(picker, number) {
  const list = picker.querySelector("[data-app-picker-list]");
  if (!list) return;
  const items = [...list.querySelectorAll(".govuk-checkboxes__item")];
  const wrapper = document.createElement("div");
  wrapper.className = "govuk-form-group app-sheet__filter";
  const id = `app-picker-filter-${number}`;
  const label = document.createElement("label");
  label.className = "govuk-label govuk-label--s";
  label.htmlFor = id;
  label.textContent = "Search posts";
  const input = document.createElement("input");
  input.className = "govuk-input govuk-input--width-20";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  wrapper.append(label, input);
  list.before(wrapper);
  input.addEventListener("input", () => {
    const words = input.value.trim().toLowerCase();
    for (const item of items) item.hidden = words !== "" && !item.textContent.toLowerCase().includes(words);
  });
  // Enter in the search box would submit the whole sheet: it only searches.
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  const summary = picker.querySelector(".govuk-details__summary-text");
  const spoken = summary.querySelector(".govuk-visually-hidden");
  list.addEventListener("change", () => {
    const chosen = items
      .filter((item) => item.querySelector("input").checked)
      .map((item) => item.querySelector("label").textContent.trim().replace(/, [^,]*$/, ""));
    summary.firstChild.textContent = chosen.length ? chosen.join("; ") : "None chosen";
    if (spoken) summary.append(spoken);
  });
}

document.querySelectorAll("[data-app-picker]").forEach(enhancePicker);
