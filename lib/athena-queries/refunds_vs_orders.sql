-- Refunded amount against ordered amount per shop and currency over the last 90 days.
WITH o AS (
  SELECT shop_id, currency, sum(total_price) AS ordered FROM {{silver}}.order_created
  WHERE event_time >= current_timestamp - INTERVAL '90' DAY GROUP BY 1, 2
), r AS (
  SELECT shop_id, currency, sum(total_refunded) AS refunded FROM {{silver}}.refund_created
  WHERE event_time >= current_timestamp - INTERVAL '90' DAY GROUP BY 1, 2
)
SELECT o.shop_id, o.currency, o.ordered, coalesce(r.refunded, 0) AS refunded,
       round(100.0 * coalesce(r.refunded, 0) / nullif(o.ordered, 0), 2) AS refund_pct
FROM o LEFT JOIN r ON r.shop_id = o.shop_id AND r.currency = o.currency
ORDER BY refund_pct DESC NULLS LAST;
