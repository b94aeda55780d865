// The SQL console (/ui/sql): runs the query box's SQL through POST /ui/api/sql (a sandboxed,
// read-only reader of the warehouse) and shows the rows, the error or the time it took.
"use strict";
(function () {
  const box = document.getElementById("sql");
  const run = document.getElementById("run");
  const maxRows = document.getElementById("max-rows");
  const meta = document.getElementById("sql-meta");
  const result = document.getElementById("result");
  if (!box || !run) return;

  async function execute() {
    const sql = box.value;
    if (!sql.trim()) return;
    run.disabled = true;
    document.getElementById("sql-error").hidden = true;
    meta.textContent = "running…";
    meta.className = "hint";
    const started = performance.now();
    try {
      const answer = await sluice.api("POST", "/ui/api/sql", { sql, maxRows: Number(maxRows.value) });
      const roundTrip = Math.round(performance.now() - started);
      show(answer);
      const rows = answer.rows.length + (answer.rows.length === 1 ? " row" : " rows");
      meta.textContent = rows + (answer.truncated ? " (truncated: the result has more than " + answer.maxRows + ")" : "")
        + " · " + answer.millis + " ms on the server, " + roundTrip + " ms in all"
        + (answer.snapshot ? " · snapshot of " + answer.snapshot : "");
      meta.className = answer.truncated ? "warn" : "hint";
    } catch (e) {
      result.innerHTML = "";
      meta.textContent = "failed after " + Math.round(performance.now() - started) + " ms";
      sluice.notice("sql-error", e.message, true);
    } finally {
      run.disabled = false;
    }
  }

  const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/;

  function show(answer) {
    const numeric = answer.types.map(type => NUMERIC.test(type || ""));
    const head = answer.columns.map((name, i) =>
      "<th" + (numeric[i] ? " class=\"num\"" : "") + " title=\"" + sluice.escape(answer.types[i]) + "\">"
        + sluice.escape(name) + "</th>").join("");
    const body = answer.rows.map(row => "<tr>" + row.map((value, i) =>
      value === null ? "<td class=\"null\">NULL</td>"
        : "<td" + (numeric[i] ? " class=\"num\"" : "") + ">" + sluice.escape(value) + "</td>"
    ).join("") + "</tr>").join("");
    result.innerHTML = "<table id=\"result-table\"><thead><tr>" + head + "</tr></thead><tbody>"
      + body + "</tbody></table>";
  }

  run.addEventListener("click", execute);
  box.addEventListener("keydown", event => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      execute();
    }
  });
  // Arriving with ?q= (a link from the lake or pipeline page): run it at once.
  if (new URLSearchParams(location.search).has("q")) execute();
  document.querySelectorAll("a.relation").forEach(link => link.addEventListener("click", event => {
    event.preventDefault();
    box.value = "SELECT * FROM " + link.dataset.relation + " LIMIT 100";
    execute();
  }));
})();
