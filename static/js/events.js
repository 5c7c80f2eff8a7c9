// Events: show "Type of hearing" only when the event is a court hearing (the form works without this script).
(function () {
  "use strict";
  var form = document.querySelector(".event-form");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");
  var box = form.querySelector(".event-form__hearing-type");
  if (!kind || !box) return;
  function update() {
    box.hidden = kind.value !== form.getAttribute("data-hearing");
  }
  kind.addEventListener("change", update);
  update();
})();
