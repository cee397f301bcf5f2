// Loaded as a module (no inline scripts, so a strict Content Security Policy can forbid them).
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
