// Claims: tick a hearing, meeting or visit to fill a trip in; add a line without reloading.
// The form works without this script (the server fills trips in and adds lines).
(function () {
  "use strict";
  var form = document.querySelector(".claim-form");
  if (!form) return;
  var prefix = form.getAttribute("data-prefix");
  var max = parseInt(form.getAttribute("data-max"), 10) || 40;
  var total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var lines = form.querySelector(".claim-lines");
  var template = form.querySelector(".claim-line-template");
  var addButton = form.querySelector(".claim-add-line");
  // .button sets display, which beats the hidden attribute: hide by style too.
  Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) { el.hidden = true; el.style.display = "none"; });

  function field(index, name) {
    return form.querySelector("[name='" + prefix + "-" + index + "-" + name + "']");
  }
  function count() { return parseInt(total.value, 10) || 0; }
  function addLine() {
    if (!template || count() >= max) return null;
    var index = count();
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var line = holder.firstElementChild;
    lines.appendChild(line);
    total.value = String(index + 1);
    return index;
  }
  function isEmpty(index) {
    return ["on", "from_place", "to_place", "description", "miles"].every(function (name) {
      var input = field(index, name);
      return !input || !input.value.trim();
    });
  }
  function lineFor(eventId) {
    for (var i = 0; i < count(); i++) {
      var input = field(i, "event_id");
      if (input && input.value === eventId) return i;
    }
    return null;
  }

  if (addButton) {
    addButton.addEventListener("click", function (event) {
      var index = addLine();
      if (index === null) return;
      event.preventDefault();
      var first = field(index, "on");
      if (first) first.focus();
    });
  }

  function useTrip(box) {
    var eventId = box.value;
    var index = lineFor(eventId);
    if (box.checked) {
      if (index !== null) return;
      for (var i = 0; i < count(); i++) { if (isEmpty(i)) { index = i; break; } }
      if (index === null) index = addLine();
      if (index === null) return;
      field(index, "on").value = box.getAttribute("data-day");
      field(index, "to_place").value = box.getAttribute("data-place");
      field(index, "description").value = box.getAttribute("data-what");
      field(index, "event_id").value = eventId;
      var from = field(index, "from_place");
      if (!from.value) from.value = form.getAttribute("data-home") || "";
    } else if (index !== null) {
      ["on", "from_place", "to_place", "description", "miles", "event_id"].forEach(function (name) {
        var input = field(index, name);
        if (input) input.value = "";
      });
    }
  }

  Array.prototype.forEach.call(form.querySelectorAll("input[name='use_trip']"), function (box) {
    box.addEventListener("change", function () { useTrip(box); });
    // A box ticked before this script ran (a quick tap, or the browser restoring the form
    // after "Back") fills its trip in now.
    if (box.checked) useTrip(box);
  });
})();
