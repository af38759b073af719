-- Share of events that arrived later than the allowed lateness, per day, for the order tables.
SELECT 'order_created' AS table_name, date(ingest_time AT TIME ZONE 'UTC') AS day, count_if(is_late) AS late, count(*) AS total
FROM {{silver}}.order_created
WHERE ingest_time >= current_timestamp - INTERVAL '7' DAY
GROUP BY 2
UNION ALL
SELECT 'order_updated', date(ingest_time AT TIME ZONE 'UTC'), count_if(is_late), count(*)
FROM {{silver}}.order_updated
WHERE ingest_time >= current_timestamp - INTERVAL '7' DAY
GROUP BY 2
ORDER BY day DESC, table_name;
