// "Mr. Reed will answer" names the person for the topic the page opened with; once the
// family picks another topic, that sentence no longer holds, so it goes (the thread page
// says who has it after sending).
document.addEventListener("DOMContentLoaded", () => {
  const about = document.getElementById("id_about");
  if (!about) return;
  about.addEventListener("change", () => {
    document.querySelectorAll("[data-answerer]").forEach((sentence) => sentence.remove());
  });
});
