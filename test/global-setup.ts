// vitest global setup: derive glue-schemas/derived/ from the contracts before any test runs (the CDK tests read
// it). Only the gitignored derived/ folder is written; the committed generated TypeScript is checked, not rewritten.
import { fileURLToPath } from 'node:url';
import { buildAll } from '../core/contracts/build.js';

export default async function setup(): Promise<void> {
  await buildAll(fileURLToPath(new URL('..', import.meta.url)), { code: false });
}
