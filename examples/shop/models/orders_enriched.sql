{{ config(materialized='incremental', unique_key='order_id') }}
-- Orders with their customer's segment. Incremental: changes('orders') is only the orders landed
-- since this model last ran (the whole table on a full build), merged on order_id.
SELECT
  o.order_id,
  o.customer_id,
  o.ordered_at,
  CAST(o.ordered_at AS DATE) AS order_date,
  o.status,
  o.amount,
  o.currency,
  o.country,
  coalesce(c.segment, 'unknown') AS segment
FROM {{ changes('orders') }} o
LEFT JOIN {{ source('customers') }} c ON c.customer_id = o.customer_id
