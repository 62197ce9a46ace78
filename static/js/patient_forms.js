// Shared by the patient's forms (session log, check-in, "something is wrong?"): send a JSON body
// to the form's data-endpoint with the CSRF token, show progress and the answer in the form's
// status line (role=status), and hand a successful body to the caller.
(function () {
  "use strict";

  // The page's words in the reader's language (the JSON in #patient-texts' data-texts);
  // `values` fill its %(name)s marks. The English fallback serves a page without them.
  var texts = null;
  function text(key, fallback, values) {
    if (texts === null) {
      var holder = document.getElementById("patient-texts");
      try {
        texts = holder ? JSON.parse(holder.getAttribute("data-texts") || "{}") : {};
      } catch (error) {
        texts = {};
      }
    }
    var words = texts[key] || fallback;
    return words.replace(/%\((\w+)\)s/g, function (mark, name) {
      return values && name in values ? String(values[name]) : mark;
    });
  }

  function describe(errors) {
    if (!errors || typeof errors !== "object") {
      return text("failed", "Something went wrong. Please try again.");
    }
    if (errors.detail) {
      return String(errors.detail);
    }
    return text("check_fields", "Please check: %(fields)s.", {
      fields: Object.keys(errors).join(", "),
    });
  }

  function changes(body) {
    if (!body || !body.changes || !body.changes.length) {
      return "";
    }
    return " " + body.changes.map(function (change) { return change.reason; }).join(" ");
  }

  // The page's CSRF token, which base.html gives every request htmx makes (hx-headers).
  function pageToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      return headers["X-CSRFToken"] ? { value: headers["X-CSRFToken"] } : null;
    } catch (error) {
      return null;
    }
  }

  // options.headers: more request headers; options.onOffline(): called instead of the
  // "could not reach" message when the request never reached the server.
  function send(form, body, onOk, busyText, options) {
    options = options || {};
    var status = form.querySelector("[role=status]");
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]") || pageToken();
    var headers = { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" };
    Object.keys(options.headers || {}).forEach(function (name) {
      headers[name] = options.headers[name];
    });
    button.disabled = true;
    status.textContent = busyText || text("sending", "Sending…");
    fetch(form.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          status.textContent = response.ok ? onOk(answer) : describe(answer);
        });
      })
      .catch(function () {
        status.textContent = options.onOffline
          ? options.onOffline()
          : text("unreachable", "Could not reach the clinic. Check your connection and try again.");
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  function onSubmit(selector, handler) {
    document.addEventListener("DOMContentLoaded", function () {
      document.querySelectorAll(selector).forEach(function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          handler(form);
        });
      });
    });
  }

  window.GroundworkPatient = { send: send, changes: changes, onSubmit: onSubmit, text: text };
})();
