// Synthesizes one shoplake environment exactly as bin/app.ts does (same config, same derived schemas, same
// compliance plugins, cdk.json's context) into a temp dir, and hands back its templates and validation report.
// Speed: tests skip NodejsFunction bundling with CDK's own `aws:cdk:bundling-stacks` context (the asset is then a
// placeholder hashed from the entry); test/lib/app.test.ts and `cdk synth` bundle the real handler.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addCompliancePlugins } from '../../lib/compliance/plugins.js';
import { loadConfig } from '../../lib/config/index.js';
import type { EnvConfig } from '../../lib/config/types.js';
import { loadSchemaModel } from '../../lib/schemas/load.js';
import type { SchemaModel } from '../../lib/schemas/model.js';
import { buildShoplake, type Shoplake } from '../../lib/shoplake.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;
}

export interface SynthOptions {
  readonly controlTower?: boolean;
  /**
   * Bundle NodejsFunctions with esbuild (slower): true for every stack, or the stack parts to bundle (e.g.
   * `['streaming']`); default false.
   */
  readonly bundling?: boolean | readonly string[];
  /** Use this config instead of lib/config/<env>.ts (already validated by the caller). */
  readonly config?: EnvConfig;
}

export interface SynthResult {
  readonly config: EnvConfig;
  readonly model: SchemaModel;
  readonly shoplake: Shoplake;
  readonly outdir: string;
  /** Template of one stack, by its part name: `storage`, `network`, ..., `observability`. */
  template(part: string): Template;
  templateJson(part: string): Record<string, unknown>;
  readonly stackParts: readonly string[];
  readonly manifest: { missing?: unknown[] };
  readonly report: {
    pluginReports: {
      pluginName: string;
      conclusion: string;
      violations: unknown[];
      suppressedViolations?: { acknowledgedId: string }[];
    }[];
  };
  dispose(): void;
}

export function synthEnv(env: string, opts: SynthOptions = {}): SynthResult {
  const outdir = mkdtempSync(join(tmpdir(), `shoplake-cdk-${env}-`));
  const config = opts.config ?? loadConfig(env);
  // CDK's own switch: only stacks whose path matches a pattern here are bundled (default `**`).
  const bundlingStacks =
    opts.bundling === true ? undefined : (opts.bundling || []).map((part) => `${config.name}-${part}`);
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), ...(bundlingStacks ? { 'aws:cdk:bundling-stacks': bundlingStacks } : {}) },
  });
  const model = loadSchemaModel(REPO_ROOT);
  addCompliancePlugins(app, { controlTower: opts.controlTower ?? false });
  const shoplake = buildShoplake(app, config, model);
  app.synth();
  const stackParts = Object.keys(shoplake);
  const file = (part: string) => join(outdir, `${config.name}-${part}.template.json`);
  return {
    config,
    model,
    shoplake,
    outdir,
    stackParts,
    templateJson: (part) => JSON.parse(readFileSync(file(part), 'utf8')) as Record<string, unknown>,
    template: (part) => Template.fromJSON(JSON.parse(readFileSync(file(part), 'utf8')) as Record<string, unknown>),
    manifest: JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as SynthResult['manifest'],
    report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as SynthResult['report'],
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Replaces asset hashes (64 hex) in snapshots, so that code changes elsewhere do not churn the templates. */
export const assetHashSerializer = {
  test: (v: unknown): boolean => typeof v === 'string' && /[0-9a-f]{64}/.test(v),
  serialize: (v: string): string => JSON.stringify(v.replace(/[0-9a-f]{64}/g, '[ASSET-HASH]')),
};

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

export function resourcesOf(t: Record<string, unknown>): Resources {
  return (t.Resources ?? {}) as Resources;
}

/** Every inline IAM statement (AWS::IAM::Policy and Role inline policies) of a template. */
export function iamStatements(t: Record<string, unknown>): { resource: string; statement: Record<string, unknown> }[] {
  const out: { resource: string; statement: Record<string, unknown> }[] = [];
  for (const [id, r] of Object.entries(resourcesOf(t))) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role')
      for (const p of (r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? [])
        docs.push(p.PolicyDocument);
    for (const doc of docs) {
      for (const st of (doc as { Statement?: Record<string, unknown>[] })?.Statement ?? [])
        out.push({ resource: id, statement: st });
    }
  }
  return out;
}

export function asArray<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}
