// The patient's "log today's session" form: sends the chosen or changed values to
// /api/v1/me/sessions/ and reports the answer, with what the program changed because of it.
// Pain is never preselected (docs/clinical-rules.md §7): each tendon-loading drill has its own
// pain answer, which is never copied from the session's; the other drills take the session's
// pain unless changed by hand. The one-tap difficulty answer fills every drill not changed by
// hand, so the usual case is: pain, how hard, save.
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

  // The drill's pain: its own answer; for a drill that is not tendon-loading, else the
  // number typed for it, else the session's. null when nothing was chosen.
  function painOf(form, fieldset) {
    var own = form.querySelector(
      "input[data-pain-for='" + fieldset.dataset.item + "']:checked"
    );
    if (own) {
      return Number(own.value);
    }
    if (fieldset.dataset.ownPain) {
      return null;
    }
    var typed = fieldset.querySelector("input[name=pain_during]");
    if (typed && typed.value !== "") {
      return Number(typed.value);
    }
    var shared = form.querySelector("input[name=pain_all]:checked");
    return shared ? Number(shared.value) : null;
  }

  function send(form) {
    var missing = [];
    var items = Array.prototype.map.call(
      form.querySelectorAll("fieldset[data-item]"),
      function (fieldset) {
        var pain = painOf(form, fieldset);
        if (pain === null) {
          missing.push(fieldset.querySelector("legend").textContent);
        }
        return {
          program_item: Number(fieldset.dataset.item),
          completed_sets: numberIn(fieldset, "completed_sets"),
          pain_during: pain,
          difficulty: numberIn(fieldset, "difficulty"),
        };
      }
    );
    if (missing.length) {
      form.querySelector("[role=status]").textContent =
        "Please choose the pain during: " + missing.join(", ") + ".";
      return;
    }
    patient.send(form, { date: form.dataset.date, items: items }, function (body) {
      return "Saved. You can change it again today." + patient.changes(body);
    }, "Saving…");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.patient-log").forEach(function (form) {
      form.querySelectorAll("fieldset[data-item] input").forEach(function (input) {
        input.addEventListener("input", function () { input.dataset.touched = "1"; });
      });
      form.querySelectorAll("input[name=difficulty_all]").forEach(function (radio) {
        radio.addEventListener("change", function () { spread(form, "difficulty", radio.value); });
      });
    });
  });
  patient.onSubmit("form.patient-log", send);
})();
