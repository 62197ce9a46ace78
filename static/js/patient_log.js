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
      "input[name='pain_item_" + fieldset.dataset.item + "']:checked"
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
        patient.text("choose_pain", "Please choose the pain during: %(drills)s.", {
          drills: missing.join(", "),
        });
      return;
    }
    // Each save carries a new idempotency key: sent again from the outbox after a lost
    // connection, it is written once; a later save the same day still changes the day's log.
    var outbox = window.GroundworkOutbox;
    var body = { date: form.dataset.date, items: items };
    var options = {};
    if (outbox) {
      body.client_id = outbox.newKey();
      options.headers = { "Idempotency-Key": body.client_id };
      options.onOffline = function () {
        outbox.keep(form.dataset.endpoint, body);
        return offlineText();
      };
      if (!navigator.onLine) {
        form.querySelector("[role=status]").textContent = options.onOffline();
        return;
      }
    }
    patient.send(form, body, function (answer) {
      showLogged(form, answer.logged_at);
      return patient.text("saved", "Saved. You can change it again today.") +
        patient.changes(answer);
    }, patient.text("saving", "Saving…"), options);
  }

  // "Logged at 19:45": the time as the server wrote it, in the patient's own time zone
  // (an ISO time with its offset), whatever zone the phone is set to.
  function showLogged(form, loggedAt) {
    var match = /T(\d\d:\d\d)/.exec(loggedAt || "");
    if (!match) {
      return;
    }
    var line = form.querySelector(".patient-logged");
    if (!line) {
      line = document.createElement("p");
      line.className = "patient-logged";
      // In place of "Did every drill as shown above?…", under the heading.
      var hint = form.querySelector("#log-h + p.muted");
      if (hint) {
        hint.replaceWith(line);
      } else {
        form.querySelector("#log-h").after(line);
      }
    }
    var strong = document.createElement("strong");
    strong.textContent = patient.text("logged_at", "Logged at %(time)s", { time: match[1] });
    line.replaceChildren(
      strong,
      document.createTextNode(" " + patient.text("change_again", "— change and save again."))
    );
  }

  function offlineText() {
    return patient.text("offline", "You are offline: the log is kept on this phone and sent " +
      "when the connection returns.");
  }

  // Send what was kept offline, and say so on the form.
  function sendKept() {
    var outbox = window.GroundworkOutbox;
    if (!outbox) {
      return;
    }
    outbox.flush(function (entry, response) {
      document.querySelectorAll("form.patient-log").forEach(function (form) {
        form.querySelector("[role=status]").textContent = response.ok
          ? patient.text("offline_sent", "Your log of %(date)s made offline has been sent.", {
            date: entry.body.date,
          })
          : patient.text(
            "offline_refused",
            "Your log of %(date)s made offline was not accepted; please log again.",
            { date: entry.body.date }
          );
      });
    });
  }

  window.addEventListener("online", sendKept);
  document.addEventListener("DOMContentLoaded", function () {
    sendKept();
    document.querySelectorAll("form.patient-log").forEach(function (form) {
      if (window.GroundworkOutbox && window.GroundworkOutbox.pending().length) {
        form.querySelector("[role=status]").textContent = offlineText();
      }
    });
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
