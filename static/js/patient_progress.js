// The patient's progress charts: sessions per week against the plan, and pain over time.
// The same numbers are in the table next to the charts for screen readers.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.querySelector("[data-progress-chart]");
    if (!holder || !window.Chart) { return; }
    var data = JSON.parse(holder.getAttribute("data-progress-chart"));
    // The page's words in the reader's language (patient_forms.js reads #patient-texts).
    var patient = window.GroundworkPatient;
    function text(key, fallback) {
      return patient ? patient.text(key, fallback) : fallback;
    }

    function figure(label) {
      var box = document.createElement("figure");
      var canvas = document.createElement("canvas");
      var caption = document.createElement("figcaption");
      caption.textContent = label;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", label);
      box.appendChild(caption);
      box.appendChild(canvas);
      holder.appendChild(box);
      return canvas;
    }

    new window.Chart(figure(text("chart_sessions", "Sessions per week")), {
      type: "bar",
      data: {
        labels: data.weeks,
        datasets: [
          { label: text("chart_done", "Sessions done"), data: data.sessions, backgroundColor: "#3a5ba0" },
          {
            label: text("chart_planned", "Planned"),
            type: "line",
            data: data.weeks.map(function () { return data.planned; }),
            borderColor: "#8a5a00",
            borderDash: [6, 4],
            pointRadius: 0,
          },
        ],
      },
      options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    if (data.pain.length) {
      new window.Chart(figure(text("chart_pain", "Pain during sessions (0 to 10)")), {
        type: "line",
        data: {
          labels: data.pain_days,
          datasets: [{ label: text("chart_pain_line", "Pain during"), data: data.pain, borderColor: "#b42318", backgroundColor: "#b42318" }],
        },
        options: { animation: false, scales: { y: { min: 0, max: 10 } } },
      });
    }
  });
})();
