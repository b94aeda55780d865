// The runs page (/ui/runs, /ui/runs/ID): trigger and retry runs, start, follow and cancel
// backfills, pause and resume schedules, all through the orchestration API (/v1/...). Every
// error the API answers is shown in the page's notice.
"use strict";
(function () {
  const NOTICE = "runs-notice";
  const ENDED = s => s !== "queued" && s !== "running";
  // How often the list of runs looks for new runs and changed states, while the page is seen.
  const LIST_REFRESH_MS = 3000;

  function words(text) {
    return text.split(/[\s,]+/).filter(w => w.length > 0);
  }

  function fail(error) {
    sluice.notice(NOTICE, error.message, true);
  }

  function wait(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
  }

  /** Polls a run until it ended, saying in the notice how it goes; then shows the list again. */
  async function follow(id) {
    const notice = document.getElementById(NOTICE);
    notice.dataset.run = id;
    for (;;) {
      const run = await sluice.api("GET", "/v1/runs/" + encodeURIComponent(id));
      sluice.notice(NOTICE, "Run " + id + ": " + run.status, false);
      notice.dataset.status = run.status;
      if (ENDED(run.status)) {
        location.reload();
        return;
      }
      await wait(500);
    }
  }

  function triggerRun(event) {
    event.preventDefault();
    const body = {
      select: words(document.getElementById("trigger-select").value),
      exclude: words(document.getElementById("trigger-exclude").value),
      "full-refresh": document.getElementById("trigger-full-refresh").checked,
    };
    const button = document.getElementById("trigger-run");
    button.disabled = true;
    sluice.api("POST", "/v1/runs", body)
      .then(run => {
        sluice.notice(NOTICE, "Run " + run.id + " queued", false);
        return follow(run.id);
      })
      .catch(fail)
      .finally(() => { button.disabled = false; });
  }

  function bindRetries(root) {
    root.querySelectorAll("button.retry").forEach(b => b.addEventListener("click", () => retry(b)));
  }

  /**
   * Keeps the list of runs and its timeline current, with the page's own filters: every few
   * seconds while the page is seen, it renders the page again and swaps them in when the list
   * changed. The forms keep what was typed in them.
   */
  async function keepListCurrent() {
    for (;;) {
      await wait(LIST_REFRESH_MS);
      if (document.hidden) continue;
      let fresh;
      try {
        const response = await fetch(location.href, { credentials: "same-origin" });
        if (!response.ok) continue; // signed out, or the server is stopping: keep what is shown
        fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      } catch (error) {
        continue; // the server is away for a moment; the next round tries again
      }
      const runs = document.getElementById("runs");
      const next = fresh.getElementById("runs");
      if (!runs || !next || runs.tBodies[0].innerHTML === next.tBodies[0].innerHTML) continue;
      runs.replaceWith(document.adoptNode(next));
      bindRetries(next);
      const timeline = document.getElementById("timeline");
      const nextTimeline = fresh.getElementById("timeline");
      if (timeline && nextTimeline) timeline.replaceWith(document.adoptNode(nextTimeline));
      next.dataset.refreshedAt = String(Date.now());
    }
  }

  function retry(button) {
    button.disabled = true;
    sluice.api("POST", "/v1/runs/" + encodeURIComponent(button.dataset.run) + "/retry")
      .then(run => { location.href = "/ui/runs/" + encodeURIComponent(run.id); })
      .catch(error => { button.disabled = false; fail(error); });
  }

  function toggleSchedule(button) {
    const name = button.dataset.schedule;
    const pause = button.dataset.paused !== "true";
    button.disabled = true;
    sluice.api("POST", "/v1/schedules/" + encodeURIComponent(name) + (pause ? "/pause" : "/resume"))
      .then(schedule => {
        const paused = schedule.paused === true;
        button.dataset.paused = String(paused);
        button.textContent = paused ? "Resume" : "Pause";
        const row = button.closest("tr");
        row.querySelector(".state").textContent = paused ? "paused" : "active";
        sluice.notice(NOTICE, "Schedule " + name + (paused ? " paused" : " resumed"), false);
      })
      .catch(fail)
      .finally(() => { button.disabled = false; });
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (className) td.className = className;
    return td;
  }

  function table(id, header, rows) {
    const t = document.createElement("table");
    t.id = id;
    const head = t.createTHead().insertRow();
    header.forEach(h => { const th = document.createElement("th"); th.textContent = h; head.appendChild(th); });
    const body = t.createTBody();
    rows.forEach(cells => {
      const tr = body.insertRow();
      cells.forEach(c => tr.appendChild(c));
    });
    return t;
  }

  function badge(status) {
    const td = document.createElement("td");
    const span = document.createElement("span");
    span.className = "badge " + status;
    span.textContent = status;
    td.appendChild(span);
    return td;
  }

  /** Shows a backfill: its status, progress and steps (or a dry run's plan). */
  function showBackfill(backfill) {
    const where = document.getElementById("backfill");
    where.replaceChildren();
    const none = document.getElementById("no-backfills");
    if (none) none.hidden = true;
    where.dataset.backfill = backfill.id;
    where.dataset.status = backfill.status;
    const title = document.createElement("h3");
    title.textContent = "Backfill " + backfill.id + ": " + backfill.status;
    where.appendChild(title);
    if (backfill.plan) {
      const steps = backfill.plan.steps || [];
      where.appendChild(table("backfill-plan", ["target", "day", "status", "redo", "files", "rows", "raw records"],
        steps.map(s => [cell(s.target), cell(s.partition), cell(s.status), cell(s.redo ? "yes" : "no"),
          cell(s.files, "num"), cell(s.rows, "num"), cell(s["raw-records"], "num")])));
      const models = document.createElement("p");
      models.className = "hint";
      models.textContent = "Models rebuilt: " + ((backfill.plan.models || []).join(", ") || "none") + ". A dry run writes nothing.";
      where.appendChild(models);
      return;
    }
    const steps = backfill.steps || [];
    const progress = document.createElement("p");
    progress.id = "backfill-progress";
    progress.textContent = (backfill.done === undefined ? 0 : backfill.done) + " of " + steps.length +
      " steps done" + (backfill.error ? " · " + backfill.error : "");
    where.appendChild(progress);
    if (backfill.status === "running" || backfill.status === "queued") {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.id = "cancel-backfill";
      cancel.className = "secondary operator-only";
      cancel.textContent = "Cancel backfill";
      cancel.addEventListener("click", () => {
        cancel.disabled = true;
        sluice.api("POST", "/v1/backfills/" + encodeURIComponent(backfill.id) + "/cancel")
          .then(() => sluice.notice(NOTICE, "Backfill " + backfill.id + " stops after the steps in progress", false))
          .catch(error => { cancel.disabled = false; fail(error); });
      });
      where.appendChild(cancel);
    }
    if (steps.length > 0) {
      where.appendChild(table("backfill-steps",
        ["target", "day", "status", "attempts", "rows before", "rows after", "now quarantined", "now landing", "error"],
        steps.map(s => [cell(s.target), cell(s.partition), badge(s.status), cell(s.attempts, "num"),
          cell(s["rows-removed"], "num"), cell(s["rows-added"], "num"), cell(s["rows-quarantined"], "num"),
          cell(s["rows-resolved"], "num"), cell(s.error, "error")])));
    }
  }

  /** Polls a backfill until it ended. */
  async function followBackfill(id) {
    for (;;) {
      const backfill = await sluice.api("GET", "/v1/backfills/" + encodeURIComponent(id));
      showBackfill(backfill);
      if (ENDED(backfill.status)) {
        sluice.notice(NOTICE, "Backfill " + id + " ended: " + backfill.status, backfill.status !== "ok");
        return;
      }
      await wait(1000);
    }
  }

  function startBackfill(event) {
    event.preventDefault();
    const value = id => document.getElementById(id).value;
    const body = {
      from: value("backfill-from"),
      to: value("backfill-to"),
      select: words(value("backfill-select")),
      exclude: words(value("backfill-exclude")),
      mode: value("backfill-mode"),
      parallel: Number(value("backfill-parallel") || "1"),
      "dry-run": document.getElementById("backfill-dry-run").checked,
    };
    const button = document.getElementById("start-backfill");
    button.disabled = true;
    sluice.api("POST", "/v1/backfills", body)
      .then(backfill => {
        if (backfill.status === "dry-run") {
          showBackfill(backfill);
          sluice.notice(NOTICE, "Dry run of backfill " + backfill.id + ": nothing written", false);
          return null;
        }
        sluice.notice(NOTICE, "Backfill " + backfill.id + " started", false);
        history.replaceState(null, "", "/ui/runs?backfill=" + encodeURIComponent(backfill.id) + "#backfill");
        showBackfill(backfill);
        return followBackfill(backfill.id);
      })
      .catch(fail)
      .finally(() => { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const trigger = document.getElementById("trigger-form");
    if (trigger) trigger.addEventListener("submit", triggerRun);
    const backfill = document.getElementById("backfill-form");
    if (backfill) backfill.addEventListener("submit", startBackfill);
    bindRetries(document);
    document.querySelectorAll("button.schedule-toggle").forEach(b => b.addEventListener("click", () => toggleSchedule(b)));
    const run = document.getElementById("run");
    if (run && !ENDED(run.dataset.status)) {
      setTimeout(() => location.reload(), 1000); // a run's page follows it until it ended
    }
    if (!run && document.getElementById("runs")) {
      keepListCurrent();
    }
    const followed = document.getElementById("backfill");
    if (followed && followed.dataset.backfill) {
      followBackfill(followed.dataset.backfill).catch(fail);
    }
  });
})();
