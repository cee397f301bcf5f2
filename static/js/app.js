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
