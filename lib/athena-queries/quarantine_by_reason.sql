-- Quarantined records of the last 24 hours by topic and reason code, with one example error per group.
SELECT
  kafka_topic,
  reason_code,
  count(*) AS records,
  min(quarantined_at) AS first_seen,
  max(quarantined_at) AS last_seen,
  any_value(element_at(errors, 1).message) AS example_error
FROM {{ops}}.quarantine
WHERE quarantined_at >= current_timestamp - INTERVAL '1' DAY
GROUP BY kafka_topic, reason_code
ORDER BY records DESC;
