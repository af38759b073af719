import { describe, expect, it } from 'vitest';
import { contracts, createValidator } from '../../../core/contracts/index.js';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { decodeRecord } from '../../../core/pipeline/index.js';
import { createRecordValidator, MAX_QUARANTINE_ERRORS } from '../../../core/pipeline/validate.js';
import { toPipelineRecord } from '../../support/lake-audit.js';

const validate = createRecordValidator({
  validate: createValidator(contracts()),
  topicKeys: new Map(contracts().topics.map((t) => [t.topic, t.key])),
});
const good = [...generateEvents({ events: 3000, seed: 2, badShare: 0, duplicateShare: 0, lateShare: 0 })].find(
  (g) => g.kind === 'good' && g.eventType === 'order_created',
)!;

describe('record validation', () => {
  it('accepts a valid event keyed by its shop_id', () => {
    const v = validate(decodeRecord(toPipelineRecord(good)), Date.now());
    expect(v.ok).toBe(true);
  });

  it('requires the Kafka key to be the shop_id', () => {
    const r = toPipelineRecord(good);
    const missing = validate(decodeRecord({ ...r, key: null }), Date.now());
    expect(missing).toMatchObject({ ok: false, code: 'missing_key' });
    const other = validate(decodeRecord({ ...r, key: Buffer.from('other.myshopify.com') }), Date.now());
    expect(other).toMatchObject({ ok: false, code: 'key_mismatch' });
  });

  it("uses the record's Kafka timestamp as the clock, so a retry later decides the same", () => {
    const r = toPipelineRecord(good);
    const eventTime = Date.parse(good.event!.event_time);
    // Produced 2 hours before its event_time: in the future by the record's clock, whatever the wall clock says.
    const early = validate(decodeRecord({ ...r, timestamp: eventTime - 2 * 3600_000 }), Date.now());
    expect(early).toMatchObject({ ok: false, code: 'future_timestamp' });
    // Without a timestamp the batch clock decides.
    expect(validate(decodeRecord({ ...r, timestamp: null }), eventTime - 2 * 3600_000)).toMatchObject({
      ok: false,
      code: 'future_timestamp',
    });
    expect(validate(decodeRecord({ ...r, timestamp: null }), eventTime).ok).toBe(true);
  });

  it('keeps at most 20 errors, the first one giving the reason code', () => {
    const e = { ...good.event!, event_id: 5 } as Record<string, unknown>;
    for (let i = 0; i < 40; i++) e[`extra_${i}`] = i;
    const strict = createRecordValidator({
      validate: createValidator(contracts(), { unknownFields: 'reject' }),
      topicKeys: new Map(contracts().topics.map((t) => [t.topic, t.key])),
    });
    const v = strict(decodeRecord({ ...toPipelineRecord(good), value: Buffer.from(JSON.stringify(e)) }), Date.now());
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.code).toBe('wrong_type');
    expect(v.errors.length).toBe(MAX_QUARANTINE_ERRORS);
    expect(v.errors[0]).toMatchObject({ path: '$.event_id', code: 'wrong_type' });
  });

  it('passes decode failures through as their reason', () => {
    const v = validate(decodeRecord({ ...toPipelineRecord(good), value: Buffer.from('nope') }), Date.now());
    expect(v).toMatchObject({ ok: false, code: 'not_json', errors: [{ path: '$', code: 'not_json' }] });
  });
});
