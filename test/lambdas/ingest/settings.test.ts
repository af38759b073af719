// The Lambda's settings: core/pipeline's variables plus SHOPLAKE_DEDUP_MAX_IDS, validated with the variable named.
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEDUP_MAX_IDS, settingsFromEnv } from '../../../core/pipeline/index.js';
import { ingestSettingsFromEnv } from '../../../lambdas/ingest/settings.js';

const BASE = { SHOPLAKE_WAREHOUSE: 's3://bucket/lake/', SHOPLAKE_SALT_SECRET_ARN: 'arn:aws:secretsmanager:x' };

describe('ingestSettingsFromEnv', () => {
  it("is core/pipeline's settings plus the pipeline's default dedup cap when the variable is unset or empty", () => {
    expect(ingestSettingsFromEnv(BASE)).toEqual({ ...settingsFromEnv(BASE), dedupMaxIds: DEFAULT_DEDUP_MAX_IDS });
    expect(ingestSettingsFromEnv({ ...BASE, SHOPLAKE_DEDUP_MAX_IDS: ' ' }).dedupMaxIds).toBe(DEFAULT_DEDUP_MAX_IDS);
    expect(DEFAULT_DEDUP_MAX_IDS).toBe(8_000_000);
  });

  it('reads SHOPLAKE_DEDUP_MAX_IDS', () => {
    expect(ingestSettingsFromEnv({ ...BASE, SHOPLAKE_DEDUP_MAX_IDS: '16000000' }).dedupMaxIds).toBe(16_000_000);
    expect(ingestSettingsFromEnv({ ...BASE, SHOPLAKE_DEDUP_MAX_IDS: ' 1 ' }).dedupMaxIds).toBe(1);
  });

  it.each(['0', '-5', '1.5', '1e6', 'abc', '8M', '99999999999999999999'])(
    'rejects SHOPLAKE_DEDUP_MAX_IDS=%s naming the variable',
    (v) => {
      expect(() => ingestSettingsFromEnv({ ...BASE, SHOPLAKE_DEDUP_MAX_IDS: v })).toThrow(
        `SHOPLAKE_DEDUP_MAX_IDS=${JSON.stringify(v)} is not a positive integer`,
      );
    },
  );

  it("still reports core/pipeline's own errors first", () => {
    expect(() => ingestSettingsFromEnv({ SHOPLAKE_DEDUP_MAX_IDS: '5' })).toThrow(/SHOPLAKE_WAREHOUSE is not set/);
  });
});
