// A Print button ([data-print], hidden in the HTML) shown and wired only when this script runs:
// without JavaScript, the browser's own Print menu does the same.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
