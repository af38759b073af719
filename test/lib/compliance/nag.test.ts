// Every acknowledgement of the app lives in lib/compliance/acknowledgements.ts with a written reason that
// docs/security.md records. (That an unacknowledged finding fails synth is proven in test/lib/app.test.ts, where
// the validators are already warm.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASONS } from '../../../lib/compliance/acknowledgements.js';
import { REPO_ROOT } from '../../support/cdk-app.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('acknowledgements', () => {
  it('keeps every acknowledgement in lib/compliance/acknowledgements.ts', () => {
    const offenders = tsFiles(join(REPO_ROOT, 'lib'))
      .filter((f) => /\.acknowledge\(|NagSuppressions|acknowledgeWarning/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(REPO_ROOT, f));
    expect(offenders).toEqual(['lib/compliance/acknowledgements.ts']);
  });

  it('gives every acknowledgement a written reason, and docs/security.md records every acknowledged rule', () => {
    for (const [key, reason] of Object.entries(REASONS)) expect(reason.length, key).toBeGreaterThan(60);
    const source = readFileSync(join(REPO_ROOT, 'lib/compliance/acknowledgements.ts'), 'utf8');
    const rules = [...source.matchAll(/\$\{(?:NAG|GUARD|CFN)\}([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);
    expect(rules.length).toBeGreaterThan(10);
    const doc = readFileSync(join(REPO_ROOT, 'docs/security.md'), 'utf8');
    for (const rule of new Set(rules)) expect(doc, `docs/security.md mentions ${rule}`).toContain(rule);
  });
});
