// "Something is wrong?": sends the ticked red-flag answers to /api/v1/me/red-flags/. Any answer
// pauses the program at once, so the page reloads to show the "contact the clinic" notice.
(function () {
  "use strict";
  var patient = window.GroundworkPatient;

  patient.onSubmit("form.patient-red-flags", function (form) {
    var flags = Array.prototype.map.call(
      form.querySelectorAll("input[name=red_flags]:checked"),
      function (box) { return box.value; }
    );
    if (!flags.length) {
      form.querySelector("[role=status]").textContent =
        "Tick what happened first. If it is an emergency, call the emergency number.";
      return;
    }
    patient.send(form, { red_flags: flags }, function (body) {
      window.location.reload();
      return body.message;
    });
  });
})();
