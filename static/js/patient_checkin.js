// The patient's morning check-in: sends pain, soreness, the optional km run and any red-flag
// answers to /api/v1/me/checkins/. A red flag pauses the program, so the page then reloads.
(function () {
  "use strict";
  var patient = window.GroundworkPatient;

  patient.onSubmit("form.patient-checkin", function (form) {
    var flags = Array.prototype.map.call(
      form.querySelectorAll("input[name=red_flags]:checked"),
      function (box) { return box.value; }
    );
    var km = form.elements.run_km_week;
    patient.send(form, {
      date: form.dataset.date,
      pain_next_morning: Number(form.elements.pain_next_morning.value),
      soreness_hours: Number(form.elements.soreness_hours.value),
      red_flags: flags,
      run_km_week: km && km.value !== "" ? Number(km.value) : null,
    }, function (body) {
      if (body.program_status === "paused") {
        window.location.reload();
        return "Your program is on hold. Please contact the clinic.";
      }
      return "Thank you, your check-in was sent." + patient.changes(body);
    });
  });
})();
