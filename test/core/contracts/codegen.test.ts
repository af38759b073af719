// The committed generated TypeScript (static contract imports and event/row types) must match the contracts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedModules } from '../../../core/contracts/build.js';
import { readContractFiles } from '../../../core/contracts/load-dir.js';
import { CONTRACT_FILES } from '../../../core/contracts/sources.generated.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated TypeScript', () => {
  it('core/contracts/*.generated.ts are up to date (else run `npm run schemas:build`)', async () => {
    for (const [path, text] of await generatedModules(REPO)) {
      expect(readFileSync(join(REPO, path), 'utf8'), `${path} is stale: run npm run schemas:build`).toBe(text);
    }
  });

  it('the bundled contract files are exactly the files in glue-schemas/', () => {
    const onDisk = readContractFiles(join(REPO, 'glue-schemas'));
    expect(CONTRACT_FILES).toEqual(onDisk);
  });
});
