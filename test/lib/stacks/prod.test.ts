import { afterAll, describe, expect, it } from 'vitest';
import { assetHashSerializer, resourcesOf, synthEnv } from '../../support/cdk-app.js';
import { describePromises } from '../../support/cdk-promises.js';

expect.addSnapshotSerializer(assetHashSerializer);
// prod runs with the Control Tower rules of @cdklabs/cdk-validator-cfnguard on: any unacknowledged finding of
// AwsSolutions, CloudFormation Validate or Control Tower fails this synth.
const synth = synthEnv('prod', { controlTower: true });
afterAll(() => synth.dispose());

describe('prod', () => {
  it.each(synth.stackParts)('%s template matches the snapshot', (part) => {
    expect(synth.templateJson(part)).toMatchSnapshot();
  });

  describePromises(() => synth);

  it('ran the Control Tower rules with cfn-guard and passed them', () => {
    const guard = synth.report.pluginReports.find((r) => r.pluginName === 'cdk-validator-cfnguard');
    expect(guard?.conclusion).toBe('success');
    expect(guard?.violations).toEqual([]);
    // Every finding it acknowledged carries a reason recorded in docs/security.md.
    for (const v of guard?.suppressedViolations ?? []) expect(v.acknowledgedId).toMatch(/^cdk-validator-cfnguard::/);
  });

  it('retains every data resource on stack deletion', () => {
    for (const part of synth.stackParts) {
      for (const [id, r] of Object.entries(resourcesOf(synth.templateJson(part)))) {
        if (
          [
            'AWS::S3::Bucket',
            'AWS::KMS::Key',
            'AWS::Glue::Table',
            'AWS::Glue::Database',
            'AWS::MSK::Cluster',
            'AWS::SecretsManager::Secret',
            'AWS::Logs::LogGroup',
          ].includes(r.Type)
        ) {
          expect(r.DeletionPolicy, `${part}/${id}`).toBe('Retain');
        }
      }
    }
  });

  it('scales the ECS consumer on its consumer group MaxOffsetLag between min and max tasks', () => {
    const t = synth.template('ingest');
    const { minTasks, maxTasks, scaleOutOffsetLag } = synth.config.ingest.ecs;
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: minTasks,
      MaxCapacity: maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const alarms = Object.values(resourcesOf(synth.templateJson('ingest'))).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm',
    );
    const lagAlarm = alarms.find(
      (a) => JSON.stringify(a.Properties).includes('MaxOffsetLag') && a.Properties?.Threshold === scaleOutOffsetLag,
    );
    expect(lagAlarm, 'scale-out alarm on MaxOffsetLag').toBeDefined();
    const body = JSON.stringify(lagAlarm!.Properties);
    for (const topic of Object.keys(synth.config.topics)) expect(body).toContain(topic);
    expect(body).toContain('shoplake-prod-ecs-ingest');
    t.resourceCountIs('AWS::ECS::Service', 1);
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: minTasks,
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
  });
});
