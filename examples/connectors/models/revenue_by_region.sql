{{ config(materialized='table') }}
-- Revenue and activity per region and day: orders (from S3) joined to each customer's
-- latest row (from PostgreSQL, merged on customer_id), with web events (from files).
with orders as (
  select o.customer_id, cast(o.ordered_at as date) as day, o.amount
  from {{ source('orders') }} o
),
events as (
  select customer_id, cast("at" as date) as day, count(*) as events
  from {{ source('events') }}
  group by 1, 2
)
select
  c.region,
  o.day,
  count(*) as orders,
  sum(o.amount) as revenue,
  coalesce(max(e.events), 0) as events
from orders o
join {{ source('customers') }} c on c.customer_id = o.customer_id
left join events e on e.customer_id = o.customer_id and e.day = o.day
group by 1, 2
order by 1, 2
