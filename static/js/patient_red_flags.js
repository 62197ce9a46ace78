// "Something is wrong?": sends the ticked red-flag answers (and what happened, in the patient's
// words) to /api/v1/me/red-flags/. Any answer pauses the program at once, so the page reloads to
// show what to do now; while paused, the patient may report again or only add detail.
(function () {
  "use strict";
  var patient = window.GroundworkPatient;

  patient.onSubmit("form.patient-red-flags", function (form) {
    var flags = Array.prototype.map.call(
      form.querySelectorAll("input[name=red_flags]:checked"),
      function (box) { return box.value; }
    );
    var detail = form.querySelector("textarea[name=detail]");
    var words = detail ? detail.value.trim() : "";
    if (!flags.length && !words) {
      form.querySelector("[role=status]").textContent =
        patient.text(
          "tick_first",
          "Tick what happened first. If it is an emergency, call the emergency number."
        );
      return;
    }
    patient.send(form, { red_flags: flags, detail: words }, function (body) {
      window.location.reload();
      return body.message || patient.text("sent_to_clinic", "Sent to the clinic.");
    });
  });
})();
