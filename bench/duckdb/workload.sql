-- The benchmark workload as one plain DuckDB SQL script, run through JDBC by
-- io.sluice.bench.DuckDbJob (bench/harness), which replaces ${DATA} (a list of globs),
-- ${OUT} (an empty output folder) and ${THREADS}. Same rules and semantics as the Sluice project
-- in bench/project (see docs/rules.md): values are read as text and cast with TRY_CAST; a row that
-- fails any rule is quarantined with every reason; among the rows that pass every other rule, the
-- first occurrence of an event id by (file, line) lands and later ones are quarantined.
SET threads = ${THREADS};
SET TimeZone = 'UTC';

-- Read every field as text. With insertion order preserved (DuckDB's default), the table's rowid
-- follows the files (in glob order) and their lines: it stands for (file, line).
CREATE TABLE events AS
SELECT *
FROM read_ndjson(${DATA},
  columns = {event_id: 'VARCHAR', user_id: 'VARCHAR', session_id: 'VARCHAR', event_type: 'VARCHAR',
             url: 'VARCHAR', amount: 'VARCHAR', currency: 'VARCHAR', ts: 'VARCHAR',
             device: 'VARCHAR', country: 'VARCHAR', user_agent: 'VARCHAR'},
  filename = true);

-- Validate: one reason per failed rule.
CREATE VIEW checked AS
WITH typed AS (
  SELECT rowid AS seq, *,
         TRY_CAST(trim(amount) AS DECIMAL(12,2)) AS amount_value,
         TRY_CAST(trim(ts) AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS event_time
  FROM events
)
SELECT *, list_filter([
    CASE WHEN event_id IS NULL THEN 'not_null(event_id)' END,
    CASE WHEN amount_value IS NULL AND nullif(trim(amount), '') IS NOT NULL THEN 'type(amount)' END,
    CASE WHEN amount_value < 0 THEN 'range(amount)' END,
    CASE WHEN event_time IS NULL AND nullif(trim(ts), '') IS NOT NULL THEN 'type(ts)' END,
    CASE WHEN nullif(trim(ts), '') IS NULL THEN 'not_null(ts)' END,
    CASE WHEN event_type NOT IN ('page_view', 'product_view', 'search', 'add_to_cart',
                                 'remove_from_cart', 'checkout', 'purchase', 'login')
         THEN 'accepted_values(event_type)' END
  ], lambda r: r IS NOT NULL) AS reasons
FROM typed;

-- Dedupe: among rows with no failure, the first occurrence of an id lands.
CREATE TABLE deduped AS
SELECT * EXCLUDE (reasons),
  CASE WHEN len(reasons) = 0 AND event_id IS NOT NULL
        AND row_number() OVER (PARTITION BY len(reasons) = 0, event_id ORDER BY seq) > 1
       THEN list_append(reasons, 'unique(event_id)') ELSE reasons END AS reasons
FROM checked;

-- Quarantine with reasons.
COPY (SELECT filename AS file, event_id, user_id, session_id, event_type, url, amount, currency, ts,
             device, country, user_agent, array_to_string(reasons, ',') AS reasons
      FROM deduped WHERE len(reasons) > 0)
  TO '${OUT}/quarantine/part-0.parquet' (FORMAT parquet, COMPRESSION zstd);

-- The good rows, partitioned by event day and hour.
COPY (SELECT event_id, user_id, session_id, event_type, url, amount_value AS amount, currency,
             event_time AS ts, device, country, user_agent,
             CAST(event_time AS DATE) AS event_day, hour(event_time) AS event_hour
      FROM deduped WHERE len(reasons) = 0)
  TO '${OUT}/clean' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_day, event_hour));

-- Hourly aggregate by event type and country.
COPY (SELECT date_trunc('hour', event_time) AS event_hour, event_type, country,
             count(*) AS events, sum(amount_value) AS amount
      FROM deduped WHERE len(reasons) = 0
      GROUP BY ALL)
  TO '${OUT}/hourly/part-0.parquet' (FORMAT parquet, COMPRESSION zstd);
