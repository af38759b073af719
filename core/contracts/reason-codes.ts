// The validator's stable reason codes. Quarantine rows and metrics carry them: never rename one, only add.
export const REASON_CODES = {
  not_an_object: 'the event is not a JSON object',
  unknown_event_type: 'event_type names no contract',
  unsupported_schema_version: 'schema_version is above the contract version this consumer knows',
  wrong_topic: 'the event arrived on a topic its contract does not use',
  missing_required: 'a required field (or list element) is absent or null',
  wrong_type: 'the JSON type does not match the field type',
  not_integer: 'an int or long field holds a fractional number',
  out_of_range: 'a number or timestamp is outside its type range or its min/max check',
  too_short: 'a string is shorter than min_length',
  too_long: 'a string is longer than max_length (default 65535 UTF-16 units)',
  pattern_mismatch: 'a string does not match its pattern',
  not_in_enum: 'a string is not one of its enum values',
  invalid_decimal: 'not a plain decimal number, or more digits than decimal(P,S) holds',
  invalid_timestamp: 'not an ISO-8601 timestamp with offset (YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM))',
  invalid_date: 'not a calendar date YYYY-MM-DD',
  invalid_uuid: 'not a canonical UUID',
  future_timestamp: 'a timestamp is further ahead of the clock than its max_future_seconds check',
  too_few_items: 'a list or map has fewer entries than min_items',
  too_many_items: 'a list or map has more entries than max_items',
  unknown_field: "a key the contract does not declare, with the validator's unknownFields 'reject' (default: ignored)",
  forbidden_key: 'a key named like an Object.prototype member (__proto__, constructor...): never a real field',
  too_many_errors: 'the validator stopped after 100 errors',
  internal_error: 'the validator itself failed (a bug): the event is quarantined rather than lost',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;
