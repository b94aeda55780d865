// A dashboard page: queries each panel, draws it (uPlot for line, area and bar; a table; a single
// stat), and re-queries the panels that the server's events (Server-Sent Events, one stream per
// page) say a micro-batch changed. A panel is queried once at a time: events that come while it
// is queried make one more query after it, not one each (bursts coalesce).
//
// window.sluiceDashboard records, for tests and the curious, each event received and each panel
// drawn, with the publication's sequence number and instant from the server and the time it was
// drawn here (Date.now(), the same clock on one machine).
"use strict";
(function () {
  const root = document.getElementById("dashboard");
  if (!root) return;
  const name = root.dataset.name;
  const spec = JSON.parse(root.dataset.spec);
  const COLORS = ["#1f6feb", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d"];
  const MAX_LOG = 5000;
  const state = { seq: 0, publishedAt: 0, events: [], renders: [], connection: "connecting" };
  window.sluiceDashboard = state;
  const panels = new Map();

  for (const panelSpec of spec.panels) {
    const element = document.getElementById("panel-" + panelSpec.id);
    panels.set(panelSpec.id, { spec: panelSpec, element, body: element.querySelector(".panel-body"),
      status: element.querySelector(".panel-status"), busy: false, again: false, plot: null, layout: "" });
  }

  function log(list, entry) {
    list.push(entry);
    if (list.length > MAX_LOG) list.shift();
  }

  function parameters() {
    const query = new URLSearchParams();
    query.set("range", document.getElementById("range").value);
    for (const select of document.querySelectorAll("[data-variable]")) {
      query.set("var." + select.dataset.variable, select.value);
    }
    return query.toString();
  }

  /** Queries a panel now, or once more after the query in flight. */
  function refresh(panel) {
    if (panel.busy) {
      panel.again = true;
      return;
    }
    load(panel);
  }

  async function load(panel) {
    panel.busy = true;
    panel.again = false;
    const seq = state.seq;
    try {
      const data = await sluice.api("GET", "/ui/api/dashboards/" + encodeURIComponent(name) + "/panels/"
        + encodeURIComponent(panel.spec.id) + "?" + parameters());
      draw(panel, data);
      const shown = Math.max(seq, data.seq || 0);
      panel.element.dataset.updated = String(shown);
      log(state.renders, { panel: panel.spec.id, seq: shown, renderedAt: Date.now(), millis: data.millis });
      panel.status.className = "panel-status hint";
      panel.status.textContent = data.truncated ? "Only the first " + data.rows.length + " rows are shown." : "";
    } catch (e) {
      panel.status.className = "panel-status error";
      panel.status.textContent = e.message;
    } finally {
      panel.busy = false;
      if (panel.again) load(panel);
    }
  }

  function draw(panel, data) {
    const type = panel.spec.type;
    if (type === "table") return drawTable(panel, data);
    if (type === "stat") return drawStat(panel, data);
    return drawChart(panel, data);
  }

  function format(value, panel) {
    if (value === null || value === undefined) return "–";
    if (typeof value !== "number") return String(value);
    const decimals = panel.spec.decimals;
    return value.toLocaleString("en", decimals === null || decimals === undefined
      ? { maximumFractionDigits: 2 } : { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }

  function cell(value, column) {
    if (value === null || value === undefined) return "";
    if (column.kind === "time") return new Date(value).toISOString().replace("T", " ").replace(".000Z", "Z");
    return String(value);
  }

  function drawTable(panel, data) {
    destroyPlot(panel);
    const numeric = data.columns.map(c => c.kind === "number");
    let html = "<table><thead><tr>";
    data.columns.forEach((c, i) => { html += "<th" + (numeric[i] ? " class=\"num\"" : "") + ">" + sluice.escape(c.name) + "</th>"; });
    html += "</tr></thead><tbody>";
    for (const row of data.rows) {
      html += "<tr>";
      row.forEach((v, i) => {
        const text = numeric[i] ? format(v, panel) : cell(v, data.columns[i]);
        html += "<td" + (numeric[i] ? " class=\"num\"" : "") + ">" + sluice.escape(text) + "</td>";
      });
      html += "</tr>";
    }
    panel.body.innerHTML = html + "</tbody></table>";
  }

  /** The value columns: those named, else every numeric one but x and series. */
  function valueColumns(panel, data, x, series) {
    const named = panel.spec.values || [];
    if (named.length) {
      return named.map(n => data.columns.findIndex(c => c.name === n)).filter(i => i >= 0);
    }
    return data.columns.map((c, i) => i).filter(i => i !== x && i !== series && data.columns[i].kind === "number");
  }

  function thresholdColor(panel, value) {
    let color = null;
    for (const t of panel.spec.thresholds || []) {
      if (typeof value === "number" && value >= t.value) color = t.color;
    }
    return color;
  }

  function drawStat(panel, data) {
    destroyPlot(panel);
    const values = valueColumns(panel, data, -1, -1);
    const column = values.length ? values[0] : 0;
    const row = data.rows.length ? data.rows[data.rows.length - 1] : null;
    const value = row ? row[column] : null;
    const color = thresholdColor(panel, value);
    panel.body.innerHTML = "<span class=\"stat-value" + (color ? " threshold-" + color : "") + "\">"
      + sluice.escape(format(value, panel)) + "</span>"
      + (panel.spec.unit ? "<span class=\"stat-unit\">" + sluice.escape(panel.spec.unit) + "</span>" : "");
    panel.body.querySelector(".stat-value").dataset.value = value === null ? "" : String(value);
  }

  function column(data, wanted, fallback) {
    if (wanted) {
      const i = data.columns.findIndex(c => c.name === wanted);
      if (i < 0) throw new Error("the query has no column '" + wanted + "'");
      return i;
    }
    return fallback;
  }

  function drawChart(panel, data) {
    const x = column(data, panel.spec.x, 0);
    const series = panel.spec.series ? column(data, panel.spec.series, -1) : -1;
    const values = valueColumns(panel, data, x, series);
    if (!values.length) throw new Error("the query has no numeric column to plot");
    const xKind = data.columns[x].kind;
    const categories = [];
    const xValue = v => {
      if (xKind === "time") return v / 1000;
      if (xKind === "number") return v;
      let i = categories.indexOf(String(v));
      if (i < 0) { categories.push(String(v)); i = categories.length - 1; }
      return i;
    };
    let xs = [];
    const lines = [];
    if (series < 0) {
      const rows = data.rows.map(r => [xValue(r[x]), r]).sort((a, b) => a[0] - b[0]);
      xs = rows.map(r => r[0]);
      for (const v of values) lines.push({ label: data.columns[v].name, points: rows.map(r => r[1][v]) });
    } else {
      const keys = [...new Set(data.rows.map(r => xValue(r[x])))].sort((a, b) => a - b);
      const at = new Map(keys.map((k, i) => [k, i]));
      const bySeries = new Map();
      for (const r of data.rows) {
        const label = String(r[series]);
        if (!bySeries.has(label)) bySeries.set(label, new Array(keys.length).fill(null));
        bySeries.get(label)[at.get(xValue(r[x]))] = r[values[0]];
      }
      xs = keys;
      for (const [label, points] of bySeries) lines.push({ label, points });
    }
    const layout = panel.spec.type + "|" + xKind + "|" + lines.map(l => l.label).join("|") + "|" + categories.join("|");
    const plotData = [xs, ...lines.map(l => l.points)];
    if (panel.plot && panel.layout === layout) {
      panel.plot.setData(plotData);
      return;
    }
    destroyPlot(panel);
    panel.body.innerHTML = "";
    const bars = panel.spec.type === "bar" && uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : null;
    // categories: one tick per category at its index, and room for half a bar on each side
    const xScale = xKind === "text"
      ? { time: false, range: () => [-0.5, Math.max(0.5, categories.length - 0.5)] }
      : { time: xKind === "time" };
    const xAxis = xKind === "text"
      ? { splits: () => categories.map((c, i) => i), values: (u, splits) => splits.map(i => categories[i] ?? "") }
      : {};
    const opts = {
      width: Math.max(200, panel.body.clientWidth - 4),
      height: 220,
      scales: { x: xScale },
      legend: { show: lines.length > 1 },
      axes: [
        xAxis,
        { values: (u, ticks) => ticks.map(t => format(t, panel)), size: 64,
          label: panel.spec.unit || undefined, labelSize: panel.spec.unit ? 18 : 0 }
      ],
      series: [{}].concat(lines.map((l, i) => {
        const color = COLORS[i % COLORS.length];
        const s = { label: l.label, stroke: color, width: 2, spanGaps: true,
          points: { show: xs.length < 40 && !bars, size: 4 } };
        if (panel.spec.type === "area") s.fill = color + "33";
        if (bars) { s.paths = bars; s.fill = color + "cc"; }
        return s;
      }))
    };
    panel.plot = new uPlot(opts, plotData, panel.body);
    panel.layout = layout;
  }

  function destroyPlot(panel) {
    if (panel.plot) {
      panel.plot.destroy();
      panel.plot = null;
      panel.layout = "";
    }
  }

  function refreshAll() {
    for (const panel of panels.values()) refresh(panel);
  }

  function connect() {
    const badge = document.getElementById("live");
    const events = new EventSource("/ui/api/dashboard-events/" + encodeURIComponent(name));
    events.addEventListener("open", () => {
      state.connection = "live";
      badge.textContent = "live";
      badge.className = "badge live";
    });
    events.addEventListener("hello", e => {
      const data = JSON.parse(e.data);
      if (!data.live) {
        // sluice ui: nothing lands here, so nothing will change until the page is reloaded
        state.connection = "closed";
        badge.textContent = "not live: reload after a run";
        badge.className = "badge";
        events.close();
        return;
      }
      // reconnected after missing events: what changed meanwhile is unknown, so query everything
      if (data.seq > state.seq && state.events.length) refreshAll();
      state.seq = Math.max(state.seq, data.seq);
    });
    events.addEventListener("change", e => {
      const data = JSON.parse(e.data);
      state.seq = Math.max(state.seq, data.seq);
      state.publishedAt = data.publishedAt;
      log(state.events, { seq: data.seq, landedAt: data.landedAt, publishedAt: data.publishedAt,
        receivedAt: Date.now(), panels: data.panels });
      for (const id of data.panels) {
        const panel = panels.get(id);
        if (panel) refresh(panel);
      }
    });
    events.addEventListener("bye", () => {
      state.connection = "closed";
      badge.textContent = "server stopped";
      badge.className = "badge offline";
      events.close();
    });
    events.addEventListener("error", () => {
      if (state.connection === "closed") return;
      state.connection = "reconnecting";
      badge.textContent = "reconnecting…";
      badge.className = "badge offline";
    });
  }

  document.getElementById("range").addEventListener("change", refreshAll);
  for (const select of document.querySelectorAll("[data-variable]")) select.addEventListener("change", refreshAll);
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const panel of panels.values()) {
        if (panel.plot) panel.plot.setSize({ width: Math.max(200, panel.body.clientWidth - 4), height: 220 });
      }
    }, 150);
  });
  connect();
  refreshAll();
})();
