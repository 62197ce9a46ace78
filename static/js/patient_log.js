// The patient's "log today's session" form: sends the prefilled or changed values as JSON
// to /api/v1/me/sessions/ and reports the answer in the form's status line.
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
            ? "Saved. You can change it again today."
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
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
    });
  });
})();
