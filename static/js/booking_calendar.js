// The calendar: colours appointments by type from data-color (no inline styles, so a strict
// CSP holds), books the free quarter hour clicked, and moves an appointment dropped on a free
// quarter hour of the time grid. The drop only asks; the server checks the time as for the
// Move form and answers 204 (moved: the page reloads with its message) or 409 with the
// reason, shown above the grid.
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function paint(root) {
    root.querySelectorAll(".type-dot[data-color]").forEach(function (dot) {
      var colour = dot.getAttribute("data-color");
      if (COLOUR.test(colour)) {
        dot.style.backgroundColor = colour;
      }
    });
    root.querySelectorAll(".tg-appt[data-color]").forEach(function (card) {
      var colour = card.getAttribute("data-color");
      if (COLOUR.test(colour)) {
        card.style.setProperty("--type-color", colour);
      }
    });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function say(text) {
    var status = document.getElementById("tg-status");
    if (status) {
      status.textContent = text;
    }
  }

  // The status line's sentences come translated from the page (data-say-* on #tg-status);
  // the English here is only a fallback.
  function words(name, fallback) {
    var status = document.getElementById("tg-status");
    return (status && status.getAttribute("data-say-" + name)) || fallback;
  }

  // A free run of quarter hours is one link; the quarter hour under the pointer is its first
  // time plus as many quarters as the pointer is rows down the run.
  function quarterAt(run, clientY) {
    var rows = Number(run.getAttribute("data-rows")) || 1;
    var box = run.getBoundingClientRect();
    var index = Math.floor(((clientY - box.top) / box.height) * rows);
    index = Math.max(0, Math.min(rows - 1, index));
    var parts = run.getAttribute("data-time").split(":");
    var minutes = Number(parts[0]) * 60 + Number(parts[1]) + index * 15;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  function enableBooking(grid) {
    grid.addEventListener("click", function (event) {
      var run = event.target.closest && event.target.closest("a.tg-slot");
      if (!run || event.detail === 0) {
        return; // a keyboard press books the run's first quarter hour, as its link says
      }
      var url = new URL(run.href, window.location.href);
      url.searchParams.set("time", quarterAt(run, event.clientY));
      run.href = url.toString();
    });
  }

  function move(card, slot, time) {
    var body = slot.closest(".tg-body");
    var data = new FormData();
    data.append("day", body.getAttribute("data-date"));
    data.append("start_time", time);
    data.append("clinician", body.getAttribute("data-clinician") || "");
    // A drag moves the one appointment; a whole series is moved from its page.
    data.append("scope", "this");
    say(words("moving", "Moving…"));
    fetch(card.getAttribute("data-move"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    })
      .then(function (response) {
        if (response.status === 204) {
          window.location.reload();
          return null;
        }
        return response.text().then(function (text) {
          say(
            response.status === 409
              ? text
              : words("refused", "Not moved: the server refused ({status}).").replace(
                  "{status}",
                  String(response.status)
                )
          );
        });
      })
      .catch(function () {
        say(words("unreachable", "Not moved: the server could not be reached."));
      });
  }

  function enableDragging(grid) {
    var dragged = null;
    grid.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest(".tg-appt[data-move]");
      if (!card) {
        return;
      }
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-move"));
      // Let the quarter hours under the appointments take the drop.
      window.requestAnimationFrame(function () {
        grid.classList.add("is-dragging");
        card.classList.add("is-dragged");
      });
    });
    grid.addEventListener("dragend", function () {
      grid.classList.remove("is-dragging");
      if (dragged) {
        dragged.classList.remove("is-dragged");
      }
      dragged = null;
      grid.querySelectorAll(".tg-slot.is-target").forEach(function (slot) {
        slot.classList.remove("is-target");
      });
    });
    grid.addEventListener("dragover", function (event) {
      var slot = event.target.closest && event.target.closest("a.tg-slot");
      if (dragged && slot) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
      }
    });
    grid.addEventListener("dragenter", function (event) {
      var slot = event.target.closest && event.target.closest("a.tg-slot");
      if (dragged && slot) {
        slot.classList.add("is-target");
      }
    });
    grid.addEventListener("dragleave", function (event) {
      var slot = event.target.closest && event.target.closest("a.tg-slot");
      if (slot) {
        slot.classList.remove("is-target");
      }
    });
    grid.addEventListener("drop", function (event) {
      var slot = event.target.closest && event.target.closest("a.tg-slot");
      if (!dragged || !slot) {
        return;
      }
      event.preventDefault();
      var card = dragged;
      grid.classList.remove("is-dragging");
      move(card, slot, quarterAt(slot, event.clientY));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    paint(document);
    document.querySelectorAll("[data-tg]").forEach(function (grid) {
      enableBooking(grid);
      enableDragging(grid);
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) { paint(event.target); });
})();
