// The CDK app as `cdk synth -c env=<name>` builds it: all three environments synthesized once in this file (the
// CloudFormation validator's engine costs ~10 s of CPU per process, so one process serves every synth check), with
// the real esbuild bundling of the Lambda handlers and, for prod, the Control Tower rules. Snapshots (dev, prod) mask
// asset hashes; test/support/cdk-promises.ts asserts every promise on each environment.
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addCompliancePlugins, controlTowerRules } from '../../lib/compliance/plugins.js';
import { ENVIRONMENTS } from '../../lib/config/index.js';
import {
  assetHashSerializer,
  cdkJsonContext,
  REPO_ROOT,
  resourcesOf,
  synthEnv,
  type SynthResult,
} from '../support/cdk-app.js';
import { describePromises } from '../support/cdk-promises.js';
import { describeImageContext, describeRuntimeContract } from './runtime-contract.js';

expect.addSnapshotSerializer(assetHashSerializer);
const synths: Record<string, SynthResult> = {
  dev: synthEnv('dev', { bundling: true }),
  // The ingest handler is the same bundle in every environment (dev bundles it); staging bundles what only it has,
  // the MSK Serverless topics handler.
  staging: synthEnv('staging', { bundling: ['streaming'] }),
  // prod runs with the Control Tower rules of @cdklabs/cdk-validator-cfnguard on top of cdk-nag and the
  // CloudFormation validator: any unacknowledged finding of any of them throws here.
  prod: synthEnv('prod', { controlTower: true }),
};
afterAll(() => Object.values(synths).forEach((s) => s.dispose()));

function functionsOf(s: SynthResult): { id: string; props: Record<string, unknown> }[] {
  return s.stackParts.flatMap((p) =>
    Object.entries(resourcesOf(s.templateJson(p)))
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({ id, props: r.Properties ?? {} })),
  );
}

describe('the CDK app', () => {
  it.each(Object.keys(ENVIRONMENTS))('synthesizes %s offline: all seven stacks, every policy check passing', (env) => {
    const s = synths[env]!;
    expect(s.manifest.missing).toBeUndefined();
    expect(s.stackParts).toEqual(['storage', 'network', 'streaming', 'catalog', 'secrets', 'ingest', 'observability']);
    for (const part of s.stackParts) expect(existsSync(join(s.outdir, `${env}-${part}.template.json`))).toBe(true);
    for (const r of s.report.pluginReports)
      expect([r.pluginName, r.conclusion, r.violations]).toEqual([r.pluginName, 'success', []]);
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

  it('fails synth on an unacknowledged cdk-nag finding, naming the construct and the rule', () => {
    const outdir = join(synths.dev!.outdir, 'careless');
    const app = new App({ outdir, context: cdkJsonContext() });
    addCompliancePlugins(app);
    const stack = new Stack(app, 'Careless', { env: { account: '111111111111', region: 'eu-west-1' } });
    new s3.Bucket(stack, 'Open', { encryption: s3.BucketEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/Careless\/Open\/Resource[\s\S]*AwsSolutions::AwsSolutions-S10/);
  });
});

it('runs the Control Tower rules for the resource types present: an unversioned bucket fails synth', () => {
  const outdir = join(synths.dev!.outdir, 'careless-ct');
  const app = new App({ outdir, context: cdkJsonContext() });
  addCompliancePlugins(app, { controlTower: true });
  const stack = new Stack(app, 'CarelessCt', { env: { account: '111111111111', region: 'eu-west-1' } });
  new s3.Bucket(stack, 'Unversioned', { enforceSSL: true });
  const rules = controlTowerRules();
  expect(rules.length).toBeGreaterThan(200);
  expect(rules.filter((r) => r.types.length === 0)).toEqual([]);
  expect(() => app.synth()).toThrow(/Acknowledge with 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check'/);
});

describe.each(['dev', 'prod'])('%s templates', (env) => {
  it.each(synths[env]!.stackParts)('%s matches the snapshot', (part) => {
    expect(synths[env]!.templateJson(part)).toMatchSnapshot();
  });
});

describe.each(Object.keys(ENVIRONMENTS))('%s', (env) => {
  describePromises(() => synths[env]!);
  describeRuntimeContract(() => synths[env]!);
});

describe('the stream-jobs image', () => {
  describeImageContext(() => synths.dev!);
});

describe('dev and staging Lambda consumers', () => {
  it.each(['dev'])('%s bundles the real ingest handler with the local esbuild (ESM, exports handler)', (env) => {
    const s = synths[env]!;
    const fn = functionsOf(s).find((f) => f.props.FunctionName === `shoplake-${env}-ingest`)!;
    const hash = String((fn.props.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    const bundle = readFileSync(join(s.outdir, `asset.${hash}`, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(fn.props).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
  });

  it('prod has no Lambda consumer (runtime ecs) and dev no ECS service (runtime lambda)', () => {
    expect(functionsOf(synths.prod!).some((f) => f.props.FunctionName === 'shoplake-prod-ingest')).toBe(false);
    expect(
      Object.values(resourcesOf(synths.dev!.templateJson('ingest'))).some((r) => r.Type === 'AWS::ECS::Service'),
    ).toBe(false);
  });
});

describe('staging', () => {
  const s = synths.staging!;

  it('runs MSK Serverless with its topics created by the custom resource', () => {
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
    expect(handler?.props).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
  });

  it('splits the topics between the Lambda mappings and the ECS consumer group', () => {
    const ingest = resourcesOf(s.templateJson('ingest'));
    const esmTopics = Object.values(ingest)
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
      .map((r) => (r.Properties!.Topics as string[])[0]);
    const byConsumer = (c: string) =>
      Object.entries(s.config.topics)
        .filter(([, t]) => t.consumer === c)
        .map(([n]) => n);
    expect(esmTopics.sort()).toEqual(byConsumer('lambda').sort());
    const task = Object.values(ingest).find(
      (r) => r.Type === 'AWS::ECS::TaskDefinition' && JSON.stringify(r.Properties).includes('SHOPLAKE_KAFKA_TOPICS'),
    )!;
    const env = (task.Properties!.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[])[0]!
      .Environment;
    expect(env.find((e) => e.Name === 'SHOPLAKE_KAFKA_TOPICS')!.Value).toBe(byConsumer('ecs').join(','));
    expect(env.find((e) => e.Name === 'SHOPLAKE_KAFKA_GROUP_ID')!.Value).toBe('shoplake-staging-ecs-ingest');
  });
});

describe('prod', () => {
  const s = synths.prod!;

  it('ran the Control Tower rules with cfn-guard and passed them', () => {
    const guard = s.report.pluginReports.find((r) => r.pluginName === 'cdk-validator-cfnguard');
    expect(guard?.conclusion).toBe('success');
    expect(guard?.violations).toEqual([]);
    expect((guard?.suppressedViolations ?? []).length).toBeGreaterThan(0);
    for (const v of guard?.suppressedViolations ?? []) expect(v.acknowledgedId).toMatch(/^cdk-validator-cfnguard::/);
  });

  it('retains every data resource on stack deletion', () => {
    const kept = [
      'AWS::S3::Bucket',
      'AWS::KMS::Key',
      'AWS::Glue::Table',
      'AWS::Glue::Database',
      'AWS::MSK::Cluster',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
    ];
    for (const part of s.stackParts) {
      for (const [id, r] of Object.entries(resourcesOf(s.templateJson(part)))) {
        if (kept.includes(r.Type)) expect(r.DeletionPolicy, `${part}/${id}`).toBe('Retain');
      }
    }
  });

  it('scales the ECS consumer on its consumer group MaxOffsetLag between min and max tasks', () => {
    const t = s.template('ingest');
    const { minTasks, maxTasks, scaleOutOffsetLag } = s.config.ingest.ecs;
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: minTasks,
      MaxCapacity: maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const alarms = Object.values(resourcesOf(s.templateJson('ingest'))).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm',
    );
    const lagAlarm = alarms.find(
      (a) => JSON.stringify(a.Properties).includes('MaxOffsetLag') && a.Properties?.Threshold === scaleOutOffsetLag,
    );
    expect(lagAlarm, 'scale-out alarm on MaxOffsetLag').toBeDefined();
    const body = JSON.stringify(lagAlarm!.Properties);
    for (const topic of Object.keys(s.config.topics)) expect(body).toContain(topic);
    expect(body).toContain('shoplake-prod-ecs-ingest');
    t.resourceCountIs('AWS::ECS::Service', 1);
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: minTasks,
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
  });
});
