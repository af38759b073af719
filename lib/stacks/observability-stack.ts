// Observability: one CloudWatch dashboard per environment (consumer lag and freshness, Lambda errors/duration/
// throttles, ECS CPU and memory, the consumers' EMF metrics in namespace `shoplake`) and alarms to an SNS topic with
// an optional email subscription.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { IngestFunction } from '../constructs/ingest-function.js';
import { LakeKey } from '../constructs/lake-key.js';
import { maxOffsetLag, type StreamConsumer } from '../constructs/stream-consumer.js';
import { METRICS_NAMESPACE, removalPolicy, serviceName, ShoplakeStack, type ShoplakeStackProps } from './common.js';

/**
 * The EMF metrics the consumers publish (namespace `shoplake`, dimension `service` = `shoplake-<env>`): the names of
 * lambdas/ingest/handler.ts METRICS and core/stream/metrics.ts PIPELINE_METRICS (test/lib/runtime-contract.ts checks
 * every name charted or alarmed on against the runtime's constants).
 */
export const PIPELINE_METRICS = [
  'records_in',
  'records_landed',
  'records_quarantined',
  'duplicates_skipped',
  'late_events',
  'events_with_unknown_fields',
  'commit_latency_ms',
  'batch_bytes',
  'dedup_scopes_evicted',
] as const;

/** The EMF metrics one maintenance run publishes (core/maintenance/metrics.ts MAINTENANCE_METRICS), same namespace. */
export const MAINTENANCE_METRICS = [
  'maintenance_tables',
  'maintenance_tables_failed',
  'maintenance_data_files_before',
  'maintenance_data_files_after',
  'maintenance_snapshots_expired',
  'maintenance_orphans_removed',
  'maintenance_duration_ms',
] as const;

export interface ObservabilityStackProps extends ShoplakeStackProps {
  readonly clusterName: string;
  /** Topic -> consumer group. */
  readonly consumerGroups: Readonly<Record<string, string>>;
  readonly ingestFunction?: IngestFunction;
  readonly consumer?: StreamConsumer;
}

export class ObservabilityStack extends ShoplakeStack {
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;
    const service = serviceName(config);
    const o = config.observability;

    const alarmsKey = new LakeKey(this, 'AlarmsKey', {
      alias: `alias/shoplake-${config.name}-alarms`,
      description: `shoplake ${config.name}: the alarm SNS topic`,
      removalPolicy: removalPolicy(config),
    }).key;
    // CloudWatch alarms publish to the encrypted topic only if they may use its key.
    alarmsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `shoplake-${config.name}-alarms`,
      displayName: `shoplake ${config.name} alarms`,
      masterKey: alarmsKey,
      enforceSSL: true,
    });
    if (o.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(o.alarmEmail));
    const notify = new actions.SnsAction(this.alarmTopic);
    const alarm = (id: string, a: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, id, { actionsEnabled: true, ...a });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    // --- consumer lag and freshness (MSK, per consumer group and topic) ----------------------------------------
    const lagWidgets: cloudwatch.IMetric[] = [];
    const timeLag: cloudwatch.IMetric[] = [];
    for (const [topic, group] of Object.entries(props.consumerGroups)) {
      const lag = maxOffsetLag(props.clusterName, group, topic, Duration.minutes(5));
      const behind = new cloudwatch.Metric({
        namespace: 'AWS/Kafka',
        metricName: 'EstimatedMaxTimeLag',
        dimensionsMap: { 'Cluster Name': props.clusterName, 'Consumer Group': group, Topic: topic },
        statistic: 'Maximum',
        period: Duration.minutes(5),
        label: `${topic} seconds behind`,
      });
      lagWidgets.push(lag.with({ label: `${topic} (${group})` }));
      timeLag.push(behind);
      alarm(`Lag-${topic}`, {
        alarmDescription: `Consumer group ${group} is more than ${o.offsetLagAlarmThreshold} records behind on ${topic}`,
        metric: lag,
        threshold: o.offsetLagAlarmThreshold,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`Freshness-${topic}`, {
        alarmDescription: `Tables fed by ${topic} are more than ${o.freshnessThresholdSeconds}s behind the topic`,
        metric: behind,
        threshold: o.freshnessThresholdSeconds,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // --- pipeline EMF metrics -------------------------------------------------------------------------------------
    const emf = (
      name: (typeof PIPELINE_METRICS)[number] | (typeof MAINTENANCE_METRICS)[number],
      statistic = 'Sum',
      period = Duration.minutes(5),
    ) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service },
        statistic,
        period,
        label: name,
      });
    const pipeline = (name: (typeof PIPELINE_METRICS)[number], statistic = 'Sum') => emf(name, statistic);
    alarm('NothingLanded', {
      alarmDescription: `No record landed in ${service} for 30 minutes (stale tables or stopped consumers)`,
      metric: pipeline('records_landed').with({ period: Duration.minutes(30) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm('QuarantineRate', {
      alarmDescription: 'More than 5% of incoming records were quarantined over 15 minutes',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(records_in > 0, 100 * quarantined / records_in, 0)',
        usingMetrics: { records_in: pipeline('records_in'), quarantined: pipeline('records_quarantined') },
        period: Duration.minutes(5),
        label: 'quarantined %',
      }),
      threshold: 5,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('DedupScopesEvicted', {
      alarmDescription:
        "A silver table's dedup index reached its cap (ingest.lambda/ecs.dedupMaxIds, SHOPLAKE_DEDUP_MAX_IDS) and " +
        'evicted its oldest days: events of those days are deduplicated within their batch only, so duplicates ' +
        'may land in silver. Raise dedupMaxIds (and the memory) for the busiest table (docs/exactly-once.md "Memory")',
      metric: pipeline('dedup_scopes_evicted'),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `shoplake-${config.name}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# shoplake ${config.name}\nConsumers: ${config.ingest.runtime}. Metrics from namespace \`${METRICS_NAMESPACE}\`, service \`${service}\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Consumer lag (MaxOffsetLag, records)', left: lagWidgets, width: 12 }),
      new cloudwatch.GraphWidget({
        title: 'Table freshness (EstimatedMaxTimeLag, seconds behind)',
        left: timeLag,
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Records in / landed / quarantined / duplicates / late',
        left: (
          ['records_in', 'records_landed', 'records_quarantined', 'duplicates_skipped', 'late_events'] as const
        ).map((n) => pipeline(n)),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        // Above 0: a table's dedup index hit its cap and dropped its oldest days (duplicates may land for them).
        title: 'Dedup: duplicates skipped, days evicted at the dedupMaxIds cap (right)',
        left: [pipeline('duplicates_skipped')],
        right: [pipeline('dedup_scopes_evicted')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Commit latency (ms) and batch size (bytes)',
        left: [pipeline('commit_latency_ms', 'p50'), pipeline('commit_latency_ms', 'p99')],
        right: [pipeline('batch_bytes', 'Average')],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        // Keys no contract declares are dropped (SHOPLAKE_UNKNOWN_FIELDS=ignore, the default) or quarantined
        // (reject): a rise means producers send a field the contracts should declare.
        title: 'Events with unknown fields (keys no contract declares)',
        left: [pipeline('events_with_unknown_fields'), pipeline('records_in')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Table maintenance (hourly): tables, failures, data files before and after, snapshots expired',
        left: (
          [
            'maintenance_tables',
            'maintenance_tables_failed',
            'maintenance_data_files_before',
            'maintenance_data_files_after',
          ] as const
        ).map((n) => emf(n, 'Sum', Duration.hours(1))),
        right: [emf('maintenance_snapshots_expired', 'Sum', Duration.hours(1))],
        width: 12,
      }),
    );
    if (props.ingestFunction) {
      const fn = props.ingestFunction.function;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Lambda errors and throttles',
          left: [fn.metricErrors(), fn.metricThrottles()],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Lambda duration (ms)',
          left: [fn.metricDuration({ statistic: 'p50' }), fn.metricDuration({ statistic: 'p99' })],
          width: 12,
        }),
      );
      alarm('LambdaErrors', {
        alarmDescription: 'The ingest function failed batches (they are retried; the lag alarm follows if it persists)',
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm('LambdaThrottles', {
        alarmDescription: 'The ingest function is throttled',
        metric: fn.metricThrottles({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    if (props.consumer) {
      const svc = props.consumer.service;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'ECS consumer CPU and memory (%)',
          left: [svc.metricCpuUtilization(), svc.metricMemoryUtilization()],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'ECS consumer group lag (autoscaling input)',
          left: [props.consumer.lag],
          width: 12,
        }),
      );
      alarm('ConsumerMemory', {
        alarmDescription: 'The ECS consumer uses more than 85% of its memory (raise ingest.ecs.memoryMiB)',
        metric: svc.metricMemoryUtilization({ period: Duration.minutes(5) }),
        threshold: 85,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    // --- table maintenance (EMF from stream-jobs/maintenance.ts, one document per run) ----------------------------
    alarm('MaintenanceTablesFailed', {
      alarmDescription:
        'A table maintenance run failed on at least one table (compaction, snapshot expiry or orphan removal); ' +
        'the task log names the table, the operation and the cause',
      metric: emf('maintenance_tables_failed', 'Maximum', Duration.hours(1)),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('MaintenanceNotRunning', {
      alarmDescription:
        'No table maintenance run finished in 3 hours (task not started, crashed or killed before publishing): ' +
        'small files and snapshots pile up and every commit slows down (docs/maintenance.md)',
      metric: emf('maintenance_tables', 'SampleCount', Duration.hours(3)),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm('ScheduledJobFailures', {
      alarmDescription: 'EventBridge Scheduler could not start a maintenance or gold-build task',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName: 'TargetErrorCount',
        dimensionsMap: { ScheduleGroup: `shoplake-${config.name}` },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
