// The quarantine browser's replay (operators only): a dry run, then the replay, through
// POST /ui/api/quarantine/replay; the result in a notice, then the page's lists read again.
"use strict";
(function () {
  const section = document.getElementById("replay");
  if (!section || document.body.dataset.access !== "operator") return;
  const dryRun = document.getElementById("replay-dry-run");
  const replay = document.getElementById("replay-run");
  const notice = document.getElementById("replay-notice");

  function request(dry) {
    const body = { source: section.dataset.source, "dry-run": dry };
    if (section.dataset.rule) body.rule = section.dataset.rule;
    return sluice.api("POST", "/ui/api/quarantine/replay", body);
  }

  function stillFailing(result) {
    const rules = Object.entries(result["still-failing-by-rule"] || {});
    return rules.length === 0 ? "" : " (" + rules.map(([rule, n]) => rule + " " + n).join(", ") + ")";
  }

  /** Reads this page again and swaps in its lists, so that they show what the replay changed. */
  async function refresh() {
    const response = await fetch(location.href, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["quarantine-counts", "quarantine-list"]) {
      const fresh = page.getElementById(id);
      const shown = document.getElementById(id);
      if (fresh && shown) shown.replaceWith(document.adoptNode(fresh));
    }
  }

  dryRun.addEventListener("click", async () => {
    dryRun.disabled = true;
    replay.disabled = true;
    notice.dataset.outcome = "";
    sluice.notice("replay-notice", "Dry run…");
    try {
      const result = await request(true);
      sluice.notice("replay-notice",
        "Dry run: " + result.replayed + " replayed, " + result.resolved + " would be resolved (land in clean), "
        + result["still-failing"] + " still failing" + stillFailing(result) + ". Nothing was committed.");
      notice.dataset.outcome = "dry-run";
      replay.disabled = result.resolved === 0;
    } catch (e) {
      sluice.notice("replay-notice", "Dry run refused: " + e.message, true);
      notice.dataset.outcome = "error";
    } finally {
      dryRun.disabled = false;
    }
  });

  replay.addEventListener("click", async () => {
    dryRun.disabled = true;
    replay.disabled = true;
    notice.dataset.outcome = "";
    sluice.notice("replay-notice", "Replaying…");
    try {
      const result = await request(false);
      const what = result["batch-id"] ? "Replay " + result["batch-id"] : "Replay (nothing landed)";
      sluice.notice("replay-notice",
        what + ": " + result.replayed + " replayed, " + result.resolved + " resolved, "
        + result["still-failing"] + " still failing" + stillFailing(result) + ".");
      await refresh();
      notice.dataset.outcome = "replayed";
    } catch (e) {
      sluice.notice("replay-notice", "Replay refused: " + e.message, true);
      notice.dataset.outcome = "error";
    } finally {
      dryRun.disabled = false;
    }
  });
})();
