-- The 50 best-selling products of the last 7 days by units, with revenue, across all shops.
SELECT
  shop_id,
  product_id,
  any_value(title) AS title,
  sum(quantity) AS units,
  sum(quantity * price - total_discount) AS revenue
FROM {{silver}}.order_line_items
WHERE event_time >= current_timestamp - INTERVAL '7' DAY
GROUP BY shop_id, product_id
ORDER BY units DESC
LIMIT 50;
