-- Daily storefront funnel per shop: sessions with a page view, a product view, a started checkout and an order.
WITH views AS (
  SELECT shop_id, date(event_time AT TIME ZONE 'UTC') AS day, count(DISTINCT session_id) AS sessions
  FROM {{silver}}.page_viewed
  WHERE event_time >= current_timestamp - INTERVAL '14' DAY
  GROUP BY 1, 2
), products AS (
  SELECT shop_id, date(event_time AT TIME ZONE 'UTC') AS day, count(DISTINCT session_id) AS product_sessions
  FROM {{silver}}.product_viewed
  WHERE event_time >= current_timestamp - INTERVAL '14' DAY
  GROUP BY 1, 2
), checkouts AS (
  SELECT shop_id, date(event_time AT TIME ZONE 'UTC') AS day, count(DISTINCT checkout_token) AS checkouts
  FROM {{silver}}.checkout_started
  WHERE event_time >= current_timestamp - INTERVAL '14' DAY
  GROUP BY 1, 2
), orders AS (
  SELECT shop_id, date(event_time AT TIME ZONE 'UTC') AS day, count(*) AS orders
  FROM {{silver}}.order_created
  WHERE event_time >= current_timestamp - INTERVAL '14' DAY
  GROUP BY 1, 2
)
SELECT
  v.shop_id,
  v.day,
  v.sessions,
  coalesce(p.product_sessions, 0) AS product_sessions,
  coalesce(c.checkouts, 0) AS checkouts,
  coalesce(o.orders, 0) AS orders,
  round(100.0 * coalesce(o.orders, 0) / nullif(v.sessions, 0), 2) AS conversion_pct
FROM views v
LEFT JOIN products p ON p.shop_id = v.shop_id AND p.day = v.day
LEFT JOIN checkouts c ON c.shop_id = v.shop_id AND c.day = v.day
LEFT JOIN orders o ON o.shop_id = v.shop_id AND o.day = v.day
ORDER BY v.day DESC, v.shop_id;
