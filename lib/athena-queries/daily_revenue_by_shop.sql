-- Daily gross revenue, order count and average order value per shop and currency over the last 30 days.
SELECT
  shop_id,
  currency,
  date(event_time AT TIME ZONE 'UTC') AS order_date,
  count(*) AS orders,
  sum(total_price) AS gross_revenue,
  avg(total_price) AS average_order_value
FROM {{silver}}.order_created
WHERE event_time >= current_timestamp - INTERVAL '30' DAY
GROUP BY 1, 2, 3
ORDER BY order_date DESC, gross_revenue DESC;
