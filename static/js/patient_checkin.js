// The patient's morning check-in: sends pain, "still sore from the last session?", first-step
// pain or morning stiffness where asked, the optional distance run (run_km_week, or
// run_miles_week for a patient counting miles: the server converts) and any red-flag answers to
// /api/v1/me/checkins/ (docs/clinical-rules.md §7). A red flag pauses the program, so the page
// then reloads.
(function () {
  "use strict";
  var patient = window.GroundworkPatient;

  patient.onSubmit("form.patient-checkin", function (form) {
    var flags = Array.prototype.map.call(
      form.querySelectorAll("input[name=red_flags]:checked"),
      function (box) { return box.value; }
    );
    var sore = form.querySelector("input[name=still_sore]:checked");
    var body = {
      date: form.dataset.date,
      pain_next_morning: Number(form.elements.pain_next_morning.value),
      still_sore: sore ? sore.value === "yes" : null,
      red_flags: flags,
    };
    ["run_km_week", "run_miles_week"].forEach(function (name) {
      var input = form.elements[name];
      if (input && input.value !== "") {
        body[name] = Number(input.value);
      }
    });
    // Asked only for plantar heel pain (first steps) or the Achilles (stiffness).
    ["first_step_pain", "morning_stiffness_min"].forEach(function (name) {
      var input = form.elements[name];
      if (input) {
        body[name] = input.value === "" ? null : Number(input.value);
      }
    });
    patient.send(form, body, function (body) {
      if (body.program_status === "paused") {
        window.location.reload();
        return patient.text("on_hold", "Your program is on hold. Please contact the clinic.");
      }
      return patient.text("checkin_sent", "Thank you, your check-in was sent.") +
        patient.changes(body);
    });
  });
})();
