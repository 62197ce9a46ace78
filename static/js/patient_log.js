// The patient's "log today's session" form: sends the prefilled or changed values to
// /api/v1/me/sessions/ and reports the answer, with what the program changed because of it.
// The one-tap pain and difficulty answers fill every drill that was not changed by hand, so the
// usual case is: pain, how hard, save.
(function () {
  "use strict";
  var patient = window.GroundworkPatient;

  function numberIn(fieldset, name) {
    var input = fieldset.querySelector("input[name=" + name + "]");
    return input ? Number(input.value) : NaN;
  }

  function spread(form, name, value) {
    form.querySelectorAll("fieldset[data-item]").forEach(function (fieldset) {
      var input = fieldset.querySelector("input[name=" + name + "]");
      if (input && !input.dataset.touched) {
        input.value = value;
      }
    });
  }

  function send(form) {
    var items = Array.prototype.map.call(
      form.querySelectorAll("fieldset[data-item]"),
      function (fieldset) {
        return {
          program_item: Number(fieldset.dataset.item),
          completed_sets: numberIn(fieldset, "completed_sets"),
          pain_during: numberIn(fieldset, "pain_during"),
          difficulty: numberIn(fieldset, "difficulty"),
        };
      }
    );
    patient.send(form, { date: form.dataset.date, items: items }, function (body) {
      return "Saved. You can change it again today." + patient.changes(body);
    }, "Saving…");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.patient-log").forEach(function (form) {
      form.querySelectorAll("fieldset[data-item] input").forEach(function (input) {
        input.addEventListener("input", function () { input.dataset.touched = "1"; });
      });
      form.querySelectorAll("input[name=pain_all]").forEach(function (radio) {
        radio.addEventListener("change", function () { spread(form, "pain_during", radio.value); });
      });
      form.querySelectorAll("input[name=difficulty_all]").forEach(function (radio) {
        radio.addEventListener("change", function () { spread(form, "difficulty", radio.value); });
      });
    });
  });
  patient.onSubmit("form.patient-log", send);
})();
