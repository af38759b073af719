// cdk-nag 3 runs as a CDK validation plugin: a finding fails synth unless it is acknowledged, and every
// acknowledgement of the app lives in lib/compliance/acknowledgements.ts with a written reason.
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASONS } from '../../../lib/compliance/acknowledgements.js';
import { addCompliancePlugins } from '../../../lib/compliance/plugins.js';
import { REPO_ROOT } from '../../support/cdk-app.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('cdk-nag (AwsSolutions) as a validation plugin', () => {
  it('fails synth on an unacknowledged finding, naming the rule and the construct', () => {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    addCompliancePlugins(app);
    const stack = new Stack(app, 'Careless', { env: { account: '111111111111', region: 'eu-west-1' } });
    new s3.Bucket(stack, 'Open', { encryption: s3.BucketEncryption.UNENCRYPTED });
    let message = '';
    try {
      app.synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/AwsSolutions-S10/);
    expect(message).toMatch(/AwsSolutions-S1\b/);
    expect(message).toMatch(/Careless\/Open/);
  });

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
