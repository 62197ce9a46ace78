// The patient's "log today's session" form: sends the prefilled or changed values as JSON
// to /api/v1/me/sessions/ and reports the answer in the form's status line, with what the
// program changed because of it. The one-tap pain and difficulty answers fill every drill that
// was not changed by hand, so the usual case is: pain, how hard, save.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function numberIn(fieldset, name) {
    var input = fieldset.querySelector("input[name=" + name + "]");
    return input ? Number(input.value) : NaN;
  }

  function describe(errors) {
    if (!errors || typeof errors !== "object") {
      return "Something went wrong. Please try again.";
    }
    if (errors.detail) {
      return String(errors.detail);
    }
    return "Please check: " + Object.keys(errors).join(", ") + ".";
  }

  function describeChanges(body) {
    if (!body || !body.changes || !body.changes.length) {
      return "";
    }
    return " " + body.changes.map(function (change) { return change.reason; }).join(" ");
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
    var status = form.querySelector(".patient-log-status");
    var button = form.querySelector("button[type=submit]");
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
    button.disabled = true;
    status.textContent = "Saving…";
    fetch(form.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      body: JSON.stringify({ date: form.dataset.date, items: items }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          status.textContent = response.ok
            ? "Saved. You can change it again today." + describeChanges(body)
            : describe(body);
        });
      })
      .catch(function () {
        status.textContent = "Could not reach the clinic. Check your connection and try again.";
      })
      .finally(function () {
        button.disabled = false;
      });
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
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
    });
  });
})();
