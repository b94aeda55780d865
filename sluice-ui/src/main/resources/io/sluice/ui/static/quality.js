// The quality page's charts: each element with a data-chart attribute ({title, x: [unix seconds],
// series: [{label, values, threshold}]}, written by the server) becomes a uPlot line chart.
"use strict";
(function () {
  const COLORS = ["#1f6feb", "#8250df", "#2e7d32", "#b26a00", "#0a7ea4", "#bf3989", "#57606a"];

  function draw(element) {
    const data = JSON.parse(element.dataset.chart);
    if (!data.x.length) return;
    let color = 0;
    const series = [{}];
    for (const s of data.series) {
      series.push(s.threshold
        ? { label: s.label, stroke: "#c62828", width: 1.5, dash: [6, 4], points: { show: false } }
        : { label: s.label, stroke: COLORS[color++ % COLORS.length], width: 2, spanGaps: true,
            points: { show: data.x.length < 60 } });
    }
    const options = {
      title: data.title,
      width: Math.max(320, element.clientWidth),
      height: 220,
      series,
      scales: { y: { range: (u, min, max) => [Math.max(0, Math.min(min, 90) - 2), 100.5] } },
      axes: [{}, { values: (u, ticks) => ticks.map(t => t + "%") }],
    };
    element.textContent = "";
    new uPlot(options, [data.x].concat(data.series.map(s => s.values)), element);
    element.dataset.drawn = "true";
  }

  document.querySelectorAll(".chart[data-chart]").forEach(element => {
    try {
      draw(element);
    } catch (e) {
      element.textContent = "The chart cannot be drawn: " + e.message;
      element.className += " error";
    }
  });
})();
