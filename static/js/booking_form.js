// Front-desk booking form: clicking a free time fills the start (and clinician) fields.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".slot-pick");
    if (!button) {
      return;
    }
    var time = document.getElementById("id_start_time");
    var clinician = document.getElementById("id_clinician");
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
