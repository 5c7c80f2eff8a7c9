// Fiscal staff pages. "Choose all" boxes for the bulk tables, and the accounting import's Apply
// button, which says it is working while a large file is applied. Without JavaScript the pages
// work the same: the "choose all" box stays hidden and the button simply submits.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-check-all]").forEach((box) => {
    const form = box.closest("form");
    if (!form) return;
    const boxes = () => form.querySelectorAll(`input[type=checkbox][name="${box.dataset.checkAll}"]`);
    box.hidden = false;
    box.addEventListener("change", () => boxes().forEach((each) => { each.checked = box.checked; }));
  });

  document.querySelectorAll("form[data-applying]").forEach((form) => {
    const status = form.querySelector("[data-applying-status]");
    form.addEventListener("submit", () => {
      // Disabled after the submit has started, so the POST still goes; a second click does nothing.
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        setTimeout(() => { button.disabled = true; }, 0);
      });
      form.setAttribute("aria-busy", "true");
      if (status) status.textContent = form.dataset.applying;
    });
  });
});
