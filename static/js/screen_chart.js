// Draws one small Chart.js line chart per measurement: left and right over time, so that
// both the trend and any left/right gap (asymmetry) are visible at a glance.
(function () {
  "use strict";
  var holder = document.querySelector("[data-screen-charts]");
  if (!holder || !window.Chart) { return; }
  var data = JSON.parse(holder.getAttribute("data-screen-charts"));
  data.series.forEach(function (series) {
    var figure = document.createElement("figure");
    var canvas = document.createElement("canvas");
    var caption = document.createElement("figcaption");
    caption.textContent = series.label + (series.unit ? " (" + series.unit + ")" : "");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", series.label + ", left and right over time");
    figure.appendChild(caption);
    figure.appendChild(canvas);
    holder.appendChild(figure);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Left", data: series.left, borderColor: "#3a5ba0", backgroundColor: "#3a5ba0", spanGaps: true },
          { label: "Right", data: series.right, borderColor: "#8a5a00", backgroundColor: "#8a5a00", borderDash: [6, 4], spanGaps: true }
        ]
      },
      options: { animation: false, plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: false } } }
    });
  });
})();
