// Synthesizes all three environments the way `cdk synth -c env=<name>` does, with the real esbuild bundling of the
// Lambda handlers, and checks what differs between them (staging: MSK Serverless and both ingest runtimes).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../lib/config/index.js';
import { REPO_ROOT, resourcesOf, synthEnv, type SynthResult } from '../support/cdk-app.js';

const synths: Record<string, SynthResult> = {};
for (const env of Object.keys(ENVIRONMENTS)) synths[env] = synthEnv(env, { bundling: true });
afterAll(() => Object.values(synths).forEach((s) => s.dispose()));

function functionsOf(s: SynthResult): { id: string; props: Record<string, unknown> }[] {
  return s.stackParts.flatMap((p) =>
    Object.entries(resourcesOf(s.templateJson(p)))
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({ id, props: r.Properties ?? {} })),
  );
}

describe('the CDK app', () => {
  it.each(Object.keys(ENVIRONMENTS))('synthesizes %s offline, all seven stacks, every policy check passing', (env) => {
    const s = synths[env]!;
    expect(s.manifest.missing).toBeUndefined();
    expect(s.stackParts).toEqual(['storage', 'network', 'streaming', 'catalog', 'secrets', 'ingest', 'observability']);
    for (const part of s.stackParts) expect(existsSync(join(s.outdir, `${env}-${part}.template.json`))).toBe(true);
    for (const r of s.report.pluginReports)
      expect([r.pluginName, r.conclusion, r.violations]).toEqual([r.pluginName, 'success', []]);
  });

  it.each(['dev', 'staging'])(
    '%s bundles the real ingest handler with the local esbuild (ESM, exports handler)',
    (env) => {
      const s = synths[env]!;
      const fn = functionsOf(s).find((f) => f.props.FunctionName === `shoplake-${env}-ingest`)!;
      const hash = String((fn.props.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      const bundle = readFileSync(join(s.outdir, `asset.${hash}`, 'index.mjs'), 'utf8');
      expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(fn.props).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    },
  );

  it('staging runs MSK Serverless with topics created by the custom resource, and splits topics between Lambda and ECS', () => {
    const s = synths.staging!;
    const streaming = resourcesOf(s.templateJson('streaming'));
    const types = Object.values(streaming).map((r) => r.Type);
    expect(types).toContain('AWS::MSK::ServerlessCluster');
    expect(types).not.toContain('AWS::MSK::Topic');
    const custom = Object.values(streaming).find((r) => r.Type === 'Custom::ShoplakeKafkaTopics')!;
    const topics = JSON.parse(custom.Properties!.Topics as string) as {
      name: string;
      partitions: number;
      configs: Record<string, string>;
    }[];
    expect(topics.map((t) => [t.name, t.partitions])).toEqual(
      Object.entries(s.config.topics).map(([n, t]) => [n, t.partitions]),
    );
    for (const t of topics)
      expect(t.configs['retention.ms']).toBe(String(s.config.topics[t.name]!.retentionHours * 3_600_000));
    // The topics handler is bundled too, and reaches the brokers from the client security group.
    const handler = functionsOf(s).find((f) => JSON.stringify(f.props.VpcConfig ?? '').includes('ClientSecurityGroup'));
    expect(handler).toBeDefined();

    const ingest = resourcesOf(s.templateJson('ingest'));
    const esmTopics = Object.values(ingest)
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
      .map((r) => (r.Properties!.Topics as string[])[0]);
    const lambdaTopics = Object.entries(s.config.topics)
      .filter(([, t]) => t.consumer === 'lambda')
      .map(([n]) => n);
    expect(esmTopics.sort()).toEqual(lambdaTopics.sort());
    const service = Object.values(ingest).find(
      (r) => r.Type === 'AWS::ECS::TaskDefinition' && JSON.stringify(r.Properties).includes('SHOPLAKE_KAFKA_TOPICS'),
    )!;
    const env = (service.Properties!.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[])[0]!
      .Environment;
    const ecsTopics = Object.entries(s.config.topics)
      .filter(([, t]) => t.consumer === 'ecs')
      .map(([n]) => n);
    expect(env.find((e) => e.Name === 'SHOPLAKE_KAFKA_TOPICS')!.Value).toBe(ecsTopics.join(','));
  });

  it('prod has no Lambda consumer (runtime ecs) and dev no ECS service (runtime lambda)', () => {
    expect(functionsOf(synths.prod!).some((f) => f.props.FunctionName === 'shoplake-prod-ingest')).toBe(false);
    expect(
      Object.values(resourcesOf(synths.dev!.templateJson('ingest'))).some((r) => r.Type === 'AWS::ECS::Service'),
    ).toBe(false);
  });

  it('bin/app.ts refuses an unknown environment with a message naming the known ones', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ env: 'qa' }),
        CDK_OUTDIR: join(synths.dev!.outdir, 'cli'),
      },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown environment 'qa'; known environments are dev, staging, prod/);
  });
});
