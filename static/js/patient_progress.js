// The patient's progress charts: sessions per week against the plan, and pain over time.
// The same numbers are in the table next to the charts for screen readers.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.querySelector("[data-progress-chart]");
    if (!holder || !window.Chart) { return; }
    var data = JSON.parse(holder.getAttribute("data-progress-chart"));

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

    new window.Chart(figure("Sessions per week"), {
      type: "bar",
      data: {
        labels: data.weeks,
        datasets: [
          { label: "Sessions done", data: data.sessions, backgroundColor: "#3a5ba0" },
          {
            label: "Planned",
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
      new window.Chart(figure("Pain during sessions (0 to 10)"), {
        type: "line",
        data: {
          labels: data.pain_days,
          datasets: [{ label: "Pain during", data: data.pain, borderColor: "#b42318", backgroundColor: "#b42318" }],
        },
        options: { animation: false, scales: { y: { min: 0, max: 10 } } },
      });
    }
  });
})();
