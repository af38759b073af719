// `shoplake ingest`: the ECS stream consumer (core/stream) run from a laptop: a Kafka consumer group landing topics
// into a local (or S3/Glue) warehouse in large micro-batches. Thin: each flag is the variable the container reads
// (flags win over variables), with local-friendly defaults (no auth, no health endpoint, its own group); Ctrl-C or
// SIGTERM commits the in-flight batch and leaves the group. Exit code 0 after a clean stop, 1 on failure.
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { LOCAL_SALT_FILE } from '../../core/local/reset-warehouse.js';
import { loadOrCreateDevSalt } from '../../core/pipeline/index.js';
import { IngestConsumer, streamSettingsFromEnv } from '../../core/stream/index.js';
import type { StreamSettings } from '../../core/stream/index.js';

interface IngestFlags {
  brokers?: string;
  auth?: string;
  region?: string;
  warehouse?: string;
  catalog?: string;
  topics?: string;
  group?: string;
  targetBatchBytes?: string;
  commitInterval?: string;
  maxBufferedBytes?: string;
  stopTimeout?: string;
  healthPort?: string;
  dedupMaxIds?: string;
}

/** Flag -> the variable the container reads (core/stream/settings.ts validates both the same way). */
const FLAG_VARIABLES: Record<keyof IngestFlags, string> = {
  brokers: 'SHOPLAKE_KAFKA_BROKERS',
  auth: 'SHOPLAKE_KAFKA_AUTH',
  region: 'AWS_REGION',
  warehouse: 'SHOPLAKE_WAREHOUSE',
  catalog: 'SHOPLAKE_CATALOG',
  topics: 'SHOPLAKE_KAFKA_TOPICS',
  group: 'SHOPLAKE_KAFKA_GROUP_ID',
  targetBatchBytes: 'SHOPLAKE_TARGET_BATCH_BYTES',
  commitInterval: 'SHOPLAKE_COMMIT_INTERVAL_SECONDS',
  maxBufferedBytes: 'SHOPLAKE_MAX_BUFFERED_BYTES',
  stopTimeout: 'SHOPLAKE_STOP_TIMEOUT_SECONDS',
  healthPort: 'SHOPLAKE_HEALTH_PORT',
  dedupMaxIds: 'SHOPLAKE_DEDUP_MAX_IDS',
};

const bytes = (v: string): string => {
  const m = /^(\d+)\s*(k|m|g|ki|mi|gi)?b?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`expected bytes like 67108864, 64MiB or 512k, got "${v}"`);
  const unit = (m[2] ?? '').toLowerCase();
  const scale = unit.startsWith('g') ? 1024 ** 3 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('k') ? 1024 : 1;
  return String(Number(m[1]) * scale);
};

export function ingestCommand(): Command {
  return new Command('ingest')
    .description(
      'Run the stream consumer (what the ECS service runs): a Kafka consumer group landing the topics into ' +
        'bronze, silver and ops.quarantine in large micro-batches, exactly once (it resumes at the bronze ' +
        'checkpoints). Each flag defaults to the variable in brackets. Ctrl-C commits the batch in flight and leaves.',
    )
    .addOption(new Option('--brokers <host:port,...>', 'bootstrap brokers [SHOPLAKE_KAFKA_BROKERS]'))
    .addOption(
      new Option('--auth <mode>', 'Kafka auth (msk-iam: SASL OAUTHBEARER + TLS) [SHOPLAKE_KAFKA_AUTH]').choices([
        'none',
        'msk-iam',
      ]),
    )
    .option('--region <region>', 'MSK IAM signing region [AWS_REGION]')
    .option('--warehouse <dir|s3://bucket/prefix>', 'warehouse [SHOPLAKE_WAREHOUSE]')
    .addOption(
      new Option('--catalog <kind>', 'catalog (default: glue for s3://, else local) [SHOPLAKE_CATALOG]').choices([
        'local',
        'glue',
      ]),
    )
    .option('--topics <list>', 'topics to consume (default: every declared topic) [SHOPLAKE_KAFKA_TOPICS]')
    .option('--group <id>', 'consumer group (default shoplake-local-ingest) [SHOPLAKE_KAFKA_GROUP_ID]')
    .option(
      '--target-batch-bytes <bytes>',
      'flush at this many record bytes (default 64MiB) [SHOPLAKE_TARGET_BATCH_BYTES]',
      bytes,
    )
    .option('--commit-interval <seconds>', '... or after this long (default 60) [SHOPLAKE_COMMIT_INTERVAL_SECONDS]')
    .option(
      '--max-buffered-bytes <bytes>',
      'pause fetching above this (default 96MiB) [SHOPLAKE_MAX_BUFFERED_BYTES]',
      bytes,
    )
    .option(
      '--stop-timeout <seconds>',
      'commit and leave within this on Ctrl-C (default 30) [SHOPLAKE_STOP_TIMEOUT_SECONDS]',
    )
    .option('--health-port <port|off>', 'serve GET /healthz on 127.0.0.1 (default off) [SHOPLAKE_HEALTH_PORT]')
    .option(
      '--dedup-max-ids <n>',
      "most event_ids one silver table's dedup index holds; past it the oldest days are evicted " +
        '(default 8000000) [SHOPLAKE_DEDUP_MAX_IDS]',
    )
    .action(async (flags: IngestFlags) => {
      const env: Record<string, string | undefined> = { ...process.env };
      for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
        const v = flags[flag as keyof IngestFlags];
        if (v !== undefined) env[variable] = v;
      }
      let settings: StreamSettings;
      try {
        settings = streamSettingsFromEnv(env, {
          auth: 'none',
          groupId: 'shoplake-local-ingest',
          healthPort: null,
          healthHost: '127.0.0.1',
        });
      } catch (e) {
        // Name the flag next to the variable.
        let message = (e as Error).message;
        for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
          const option = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
          message = message.replace(new RegExp(`\\b${variable}\\b`), `${option} (${variable})`);
        }
        throw new Error(message, { cause: e });
      }
      const p = settings.pipeline;
      // A local warehouse without a configured salt gets its own development salt (as `shoplake local run`).
      const localSalt = p.catalog === 'local' && !p.salt.file && !p.salt.secretArn && p.salt.value === undefined;
      const piiSalt = localSalt ? await loadOrCreateDevSalt(path.join(p.warehouse, LOCAL_SALT_FILE)) : undefined;
      const consumer = IngestConsumer.start(settings, piiSalt ? { piiSalt } : {});
      const stop = (signal: NodeJS.Signals) => void consumer.stop(signal);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const code = await consumer.done;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (code !== 0) process.exitCode = code;
    });
}
