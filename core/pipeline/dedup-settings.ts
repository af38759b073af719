// SHOPLAKE_DEDUP_MAX_IDS, read by the two ingest runtimes (lambdas/ingest/settings.ts, core/stream/settings.ts) and
// kept apart from config.ts so that only their import graphs read it (test/lib/runtime-contract.ts checks which
// variables each entrypoint reads against what the CDK app sets).
import { DEFAULT_DEDUP_MAX_IDS } from './dedup.js';

/**
 * SHOPLAKE_DEDUP_MAX_IDS (the Lambda and the ECS consumer): a positive integer, else DEFAULT_DEDUP_MAX_IDS. Not part
 * of settingsFromEnv: each runtime sizes it for its own memory (lib/config).
 */
export function dedupMaxIdsFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.SHOPLAKE_DEDUP_MAX_IDS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_DEDUP_MAX_IDS;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(
      `SHOPLAKE_DEDUP_MAX_IDS=${JSON.stringify(raw)} is not a positive integer (the most event_ids one silver ` +
        `table's dedup index holds; default ${DEFAULT_DEDUP_MAX_IDS})`,
    );
  }
  return n;
}
