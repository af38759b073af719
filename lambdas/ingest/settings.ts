// The Lambda's settings: core/pipeline's settingsFromEnv (SHOPLAKE_WAREHOUSE, catalog, namespaces, salt, lateness,
// dedup window, unknown fields) plus what only the consumers size for their memory:
//   SHOPLAKE_DEDUP_MAX_IDS   most event_ids one silver table's dedup index holds (default DEFAULT_DEDUP_MAX_IDS, 8M,
//                            ~150-220 MB per busy table); past it the oldest days are evicted (dedup_scopes_evicted)
// The CDK app sets it from ingest.lambda.dedupMaxIds (lib/config). A malformed value is an error naming the variable.
import { dedupMaxIdsFromEnv, settingsFromEnv } from '../../core/pipeline/index.js';

export { dedupMaxIdsFromEnv };
import type { PipelineSettings } from '../../core/pipeline/index.js';

export interface IngestSettings extends PipelineSettings {
  dedupMaxIds: number;
}

export function ingestSettingsFromEnv(env: Record<string, string | undefined> = process.env): IngestSettings {
  return { ...settingsFromEnv(env), dedupMaxIds: dedupMaxIdsFromEnv(env) };
}
