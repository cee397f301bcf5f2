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

// The timeout warning (WCAG 2.2.1), after hmrc-frontend's timeout dialog: signed-in pages (templates/base.html's body
// says how many seconds the session has left and how early to warn) show a modal dialog before the server's idle
// timeout signs the user out. "Stay signed in" (or Escape) asks accounts/session/ to restart the idle timeout; at
// the end the browser goes to the sign-in page, which says why. Each tab asks the server how long is really left
// before it warns and before it signs out, so staying signed in from another tab keeps this one going. Without
// JavaScript the server's timeout still applies, and a form posted late is kept (accounts/kept_forms.py).
function spokenTime(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  }
  return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
}

// Whether a field of the form differs from what the page came with.
function typedInto(form) {
  return [...form.elements].some((field) => {
    if (["hidden", "submit", "button", "file", "password"].includes(field.type)) return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return [...field.options].some((option) => option.selected !== option.defaultSelected);
    return "defaultValue" in field && field.value !== field.defaultValue;
  });
}

function watchSession(body) {
  const { appSessionUrl: url, appSessionSignOutUrl: signOutUrl } = body.dataset;
  const warning = Number(body.dataset.appSessionWarningSeconds) * 1000;
  const token = document.querySelector('input[name="csrfmiddlewaretoken"]');
  if (!url || !token || !warning) return;
  let endsAt = Date.now() + Number(body.dataset.appSessionSecondsLeft) * 1000;
  let timer;
  let dialog = null;

  const ask = async (method) => {
    try {
      const headers = { Accept: "application/json" };
      if (method === "POST") headers["X-CSRFToken"] = token.value;
      const response = await fetch(url, { method, headers, credentials: "same-origin", cache: "no-store" });
      return await response.json();
    } catch {
      return null; // the network dropped: carry on by this tab's own count
    }
  };
  // Time is up: a form typed into is posted, so the server keeps what was typed for after signing in again;
  // otherwise the page is asked for again. Either request signs out and lands on the sign-in page, which says why.
  const signedOut = () => {
    const typed = [...document.querySelectorAll("form")].find(
      (form) => form.method === "post" && !dialog?.contains(form) && typedInto(form),
    );
    if (typed) HTMLFormElement.prototype.submit.call(typed);
    else window.location.assign(window.location.href);
  };
  // Only the server's "signed out" ends the session here: posting a form while it still counts would submit it.
  const heard = (state) => {
    if (state && !state.signed_in) {
      signedOut();
      return false;
    }
    if (state) endsAt = Date.now() + state.seconds_left * 1000;
    return true;
  };

  const element = (tag, className, text) => {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  };

  const close = () => {
    if (!dialog) return;
    dialog.remove();
    dialog = null;
  };

  const open = () => {
    if (dialog) return;
    const returnFocus = document.activeElement;
    const hidden = [...document.body.children].filter((child) => !child.inert && child.tagName !== "SCRIPT");
    const box = element("div", "app-timeout-dialog");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "app-timeout-heading app-timeout-spoken");
    box.tabIndex = -1;
    const heading = element("h2", "govuk-heading-m", "You’re about to be signed out");
    heading.id = "app-timeout-heading";
    // The countdown is seen every second in its last minute, but heard politely and only every 20 seconds.
    const shown = element("p", "govuk-body");
    shown.setAttribute("aria-hidden", "true");
    const count = element("strong", "app-timeout-dialog__countdown");
    shown.append("For your security, we will sign you out in ", count, ".");
    const spoken = element("p", "govuk-visually-hidden");
    spoken.id = "app-timeout-spoken";
    spoken.setAttribute("aria-live", "polite");
    const kept = element("p", "govuk-body", "If you are signed out, what you have typed but not saved will be kept for you.");
    const stay = element("button", "govuk-button", "Stay signed in");
    stay.type = "button";
    const leave = element("form", "app-timeout-dialog__sign-out");
    leave.method = "post";
    leave.action = signOutUrl;
    const leaveToken = token.cloneNode();
    leaveToken.removeAttribute("id");
    const leaveButton = element("button", "govuk-button govuk-button--secondary", "Sign out");
    leaveButton.type = "submit";
    leave.append(leaveToken, leaveButton);
    const buttons = element("div", "govuk-button-group");
    buttons.append(stay, leave);
    box.append(heading, shown, spoken, kept, buttons);
    const overlay = element("div", "app-timeout-overlay");
    document.body.append(overlay, box);
    document.documentElement.classList.add("app-timeout-open");
    for (const child of hidden) child.inert = true;

    let lastSpoken = "";
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      const text = spokenTime(seconds);
      if (count.textContent !== text) count.textContent = text;
      const heardText = `For your security, we will sign you out in ${spokenTime(seconds >= 60 ? seconds : Math.max(20, Math.ceil(seconds / 20) * 20))}.`;
      if (heardText !== lastSpoken) {
        spoken.textContent = heardText;
        lastSpoken = heardText;
      }
    };
    tick();
    const ticking = setInterval(tick, 1000);
    // While the dialog is open, ask now and then: "Stay signed in" in another tab closes this one's dialog too.
    const polling = setInterval(async () => {
      const state = await ask("GET");
      if (!dialog || state === null) return;
      if (!state.signed_in) {
        signedOut();
        return;
      }
      endsAt = Date.now() + state.seconds_left * 1000;
      if (endsAt - Date.now() > warning) {
        shut();
        schedule();
      }
    }, 15000);

    const staySignedIn = async () => {
      stay.disabled = true;
      const state = await ask("POST");
      stay.disabled = false;
      if (!heard(state)) return;
      if (endsAt - Date.now() <= warning) {
        // The absolute lifetime, not idleness, is ending it: staying longer is not possible, so the dialog says so.
        kept.textContent = "You have been signed in for as long as is allowed. Save your work now, or it will be "
          + "kept for you to check after you sign in again.";
        stay.remove();
        leaveButton.focus();
        return;
      }
      shut();
      schedule();
    };
    // Focus stays in the dialog: Tab and Shift+Tab go round its buttons; Escape is "Stay signed in".
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        staySignedIn();
      } else if (event.key === "Tab") {
        const first = stay.isConnected ? stay : leaveButton;
        const last = leaveButton;
        if (event.shiftKey && (document.activeElement === first || document.activeElement === box)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    stay.addEventListener("click", staySignedIn);
    const shut = () => {
      clearInterval(ticking);
      clearInterval(polling);
      for (const child of hidden) child.inert = false;
      document.documentElement.classList.remove("app-timeout-open");
      overlay.remove();
      close();
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    };
    dialog = box;
    dialog.shut = shut;
    box.focus();
  };

  // At the end ask first: another tab may have stayed signed in. The network down, the page stays and asks again.
  const end = async () => {
    const state = await ask("GET");
    if (state === null) {
      timer = setTimeout(end, 5000);
      return;
    }
    if (!heard(state)) return;
    if (dialog && endsAt - Date.now() <= warning) {
      timer = setTimeout(end, Math.max(0, endsAt - Date.now()) + 1000); // the server's last second, or little won
      return;
    }
    if (dialog) dialog.shut();
    schedule();
  };
  const warn = async () => {
    if (!heard(await ask("GET"))) return;
    if (endsAt - Date.now() > warning) {
      if (dialog) dialog.shut();
      schedule();
      return;
    }
    open();
    clearTimeout(timer);
    timer = setTimeout(end, Math.max(0, endsAt - Date.now()) + 1000);
  };
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(warn, Math.max(0, endsAt - Date.now() - warning));
  }
  schedule();
}

if (document.body.dataset.appSessionUrl) watchSession(document.body);
