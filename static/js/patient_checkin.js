// The patient's morning check-in form: sends pain, soreness and any red-flag answers as JSON
// to /api/v1/me/checkins/. A red flag pauses the program, so the page then reloads to show it.
(function () {
  "use strict";

  function send(form) {
    var status = form.querySelector(".patient-checkin-status");
    var button = form.querySelector("button[type=submit]");
    var flags = Array.prototype.map.call(
      form.querySelectorAll("input[name=red_flags]:checked"),
      function (box) {
        return box.value;
      }
    );
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    button.disabled = true;
    status.textContent = "Sending…";
    fetch(form.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify({
        date: form.dataset.date,
        pain_next_morning: Number(form.elements.pain_next_morning.value),
        soreness_hours: Number(form.elements.soreness_hours.value),
        red_flags: flags,
        run_km_week: form.elements.run_km_week && form.elements.run_km_week.value !== ""
          ? Number(form.elements.run_km_week.value)
          : null,
      }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            status.textContent = body && body.detail
              ? String(body.detail)
              : "Please check: " + Object.keys(body || {}).join(", ") + ".";
          } else if (body.program_status === "paused") {
            status.textContent = "Your program is on hold. Please contact the clinic.";
            window.location.reload();
          } else {
            var changes = (body.changes || []).map(function (c) { return c.reason; }).join(" ");
            status.textContent = "Thank you, your check-in was sent." + (changes ? " " + changes : "");
          }
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
    document.querySelectorAll("form.patient-checkin").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
    });
  });
})();
