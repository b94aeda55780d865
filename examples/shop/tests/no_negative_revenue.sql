-- A singular test: it passes when it returns no rows (see docs/quality.md).
-- Amounts are validated on the way in (range min 0), so no day can have negative revenue.
SELECT order_date, country, revenue
FROM {{ ref('daily_revenue') }}
WHERE revenue < 0
