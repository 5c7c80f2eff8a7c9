// Placement pages: a Copy button for the respite link, and on the
// placing form each child's medication question only while that child is ticked. Every control
// here is hidden in the HTML until this script runs, so without JavaScript nothing is broken.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = button.dataset.copied;
      } catch (error) {
        field.select();
      }
    });
  });

  document.querySelectorAll("[data-medication-for]").forEach((group) => {
    const box = document.getElementById(group.dataset.medicationFor);
    if (!box) return;
    const sync = () => { group.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });

  // "Add another medicine": one more empty line in a Django formset, numbered like the others.
  document.querySelectorAll("[data-add-form]").forEach((button) => {
    const list = document.getElementById(button.dataset.addForm);
    const template = document.getElementById(button.dataset.template);
    const total = document.getElementById(`id_${button.dataset.prefix}-TOTAL_FORMS`);
    if (!list || !template || !total) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = Number(total.value);
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const added = list.lastElementChild;
      const legend = added.querySelector("legend");
      if (legend) legend.textContent = `${legend.textContent} (${index + 1})`;
      const first = added.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  });
});
