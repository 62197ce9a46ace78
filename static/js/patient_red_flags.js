// "Something is wrong?": sends the ticked red-flag answers to /api/v1/me/red-flags/. Any answer
// pauses the program at once, so the page reloads to show the "contact the clinic" notice.
(function () {
  "use strict";

  function send(form) {
    var status = form.querySelector(".patient-red-flags-status");
    var button = form.querySelector("button[type=submit]");
    var flags = Array.prototype.map.call(
      form.querySelectorAll("input[name=red_flags]:checked"),
      function (box) { return box.value; }
    );
    if (!flags.length) {
      status.textContent = "Tick what happened first. If it is an emergency, call the emergency number.";
      return;
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    button.disabled = true;
    status.textContent = "Sending…";
    fetch(form.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify({ red_flags: flags }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            status.textContent = body.message;
            window.location.reload();
          } else {
            status.textContent = body && body.detail
              ? String(body.detail)
              : "Please check: " + Object.keys(body || {}).join(", ") + ".";
          }
        });
      })
      .catch(function () {
        status.textContent = "Could not reach the clinic. Please phone the clinic.";
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.patient-red-flags").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
    });
  });
})();
