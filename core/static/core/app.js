// Starts GOV.UK Frontend's components on every public page. A file rather than an inline script, so the
// Content-Security-Policy allows scripts from this site only and every page is the same bytes for every
// reader (no per-request nonce), which lets pages be cached and answer 304 Not Modified.
// The body names GOV.UK Frontend's module by its collected (hashed) address.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
const { initAll } = await import(document.body.dataset.govukFrontend);
initAll();
