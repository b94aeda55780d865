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
    const thresholds = [];
    for (const s of data.series) {
      if (s.threshold) {
        // Drawn across the whole chart by the hook below, also when there is a single batch.
        thresholds.push(s.values.find(v => v !== null));
        series.push({ label: s.label, stroke: "#c62828", width: 0, points: { show: false } });
      } else {
        series.push({ label: s.label, stroke: COLORS[color++ % COLORS.length], width: 2, spanGaps: true,
          points: { show: data.x.length < 60 } });
      }
    }
    const drawThresholds = u => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = "#c62828";
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      for (const value of thresholds) {
        const y = Math.round(u.valToPos(value, "y", true));
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y);
        ctx.lineTo(u.bbox.left + u.bbox.width, y);
        ctx.stroke();
      }
      ctx.restore();
    };
    const lowest = Math.min(90, ...thresholds);
    const options = {
      title: data.title,
      width: Math.max(320, element.clientWidth),
      height: 200,
      series,
      scales: {
        // One point: an hour either side of it, rather than uPlot's years.
        x: data.x.length === 1
          ? { auto: false, range: [data.x[0] - 3600, data.x[0] + 3600] }
          : {},
        y: { range: (u, min, max) => [Math.max(0, Math.min(min === null ? 100 : min, lowest) - 2), 100.5] },
      },
      axes: [{ space: 90 }, { size: 64, values: (u, ticks) => ticks.map(t => t + "%") }],
      hooks: { draw: [drawThresholds] },
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
