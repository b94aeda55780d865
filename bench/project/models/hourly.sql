{{ config(materialized='incremental', unique_key=['event_hour', 'event_type', 'country']) }}
-- Events and amount per hour, event type and country. Incremental: a run recomputes, from the
-- whole clean table, only the hours that received new events (changes('events')), and replaces
-- those hours' rows; the first run builds every hour.
SELECT
  date_trunc('hour', ts) AS event_hour,
  event_type,
  country,
  count(*) AS events,
  sum(amount) AS amount
FROM {{ source('events') }}
{% if is_incremental() %}
WHERE date_trunc('hour', ts) IN (SELECT DISTINCT date_trunc('hour', ts) FROM {{ changes('events') }})
{% endif %}
GROUP BY 1, 2, 3
