{{ config(materialized='table') }}
-- Click-to-order funnel per day: sessions that viewed, added to cart, checked out, and orders placed.
WITH steps AS (
  SELECT
    CAST(event_time AS DATE) AS day,
    count(DISTINCT session_id) FILTER (WHERE event_type = 'page_view') AS viewed,
    count(DISTINCT session_id) FILTER (WHERE event_type = 'add_to_cart') AS added_to_cart,
    count(DISTINCT session_id) FILTER (WHERE event_type = 'checkout') AS checked_out
  FROM {{ source('clicks') }}
  GROUP BY 1
),
orders AS (
  SELECT order_date AS day, count(*) AS orders
  FROM {{ ref('orders_enriched') }}
  GROUP BY 1
)
SELECT
  s.day,
  s.viewed,
  s.added_to_cart,
  s.checked_out,
  coalesce(o.orders, 0) AS orders,
  round(coalesce(o.orders, 0) / nullif(s.viewed, 0), 4) AS view_to_order
FROM steps s
LEFT JOIN orders o ON o.day = s.day
ORDER BY s.day
