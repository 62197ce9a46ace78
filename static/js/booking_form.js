// Front-desk booking and move forms: clicking a free time fills the start (and the day and
// clinician, when the time carries them) fields.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".slot-pick");
    if (!button) {
      return;
    }
    var time = document.getElementById("id_start_time");
    var clinician = document.getElementById("id_clinician");
    var day = document.getElementById("id_day");
    if (day && button.getAttribute("data-day")) {
      day.value = button.getAttribute("data-day");
    }
    if (time) {
      time.value = button.getAttribute("data-time");
    }
    if (clinician && !clinician.value) {
      clinician.value = button.getAttribute("data-clinician");
    }
    if (time) {
      time.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
