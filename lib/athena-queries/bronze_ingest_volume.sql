-- Records and bytes landed in bronze per topic and hour over the last day: the raw intake of the lake.
SELECT kafka_topic, date_trunc('hour', ingest_time) AS hour, count(*) AS records, sum(payload_bytes) AS bytes
FROM (
  SELECT kafka_topic, ingest_time, payload_bytes FROM {{bronze}}.orders
  UNION ALL SELECT kafka_topic, ingest_time, payload_bytes FROM {{bronze}}.behaviour
  UNION ALL SELECT kafka_topic, ingest_time, payload_bytes FROM {{bronze}}.customers
  UNION ALL SELECT kafka_topic, ingest_time, payload_bytes FROM {{bronze}}.catalog
  UNION ALL SELECT kafka_topic, ingest_time, payload_bytes FROM {{bronze}}.inventory
)
WHERE ingest_time >= current_timestamp - INTERVAL '1' DAY
GROUP BY 1, 2
ORDER BY hour DESC, kafka_topic;
