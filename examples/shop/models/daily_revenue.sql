{{ config(materialized='table') }}
-- Revenue per day and country, paid and shipped orders only.
SELECT
  order_date,
  country,
  count(*) AS orders,
  sum(amount) AS revenue
FROM {{ ref('orders_enriched') }}
WHERE status IN ('paid', 'shipped')
GROUP BY order_date, country
ORDER BY order_date, country
