// `shoplake ingest` through the real CLI (a child process through tsx): the same consumer as the ECS entrypoint, with
// local defaults (no auth, the warehouse's own development salt, its own group). It lands what the test broker
// holds, and Ctrl-C (SIGINT) commits and exits 0; bad flags fail naming the flag and its variable.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../../core/contracts/index.js';
import { LOCAL_SALT_FILE } from '../../../core/local/reset-warehouse.js';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { useKafkaBroker } from '../../support/kafka-broker.js';
import { tempDir } from '../../support/lake-audit.js';
import {
  bronzeCheckpoints,
  fromGenerated,
  lastOffsets,
  produceAll,
  reached,
  withOffsets,
} from '../../support/stream-consumer.js';
import { REPO, shoplake } from '../cli.js';

const TOPICS = contracts().topics.map((t) => t.topic);
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, 1])) });
const RECORDS = withOffsets([...generateEvents({ events: 300, seed: 5, partitions: 1 })].map(fromGenerated));

let warehouse: string;
beforeAll(async () => {
  warehouse = await tempDir('shoplake-ingest-cli-');
});
afterAll(async () => {
  await fs.rm(warehouse, { recursive: true, force: true });
});

describe('shoplake ingest', () => {
  it('lands the topics into a local warehouse and stops cleanly on Ctrl-C', { timeout: 120_000 }, async () => {
    await produceAll(broker.bootstrap, RECORDS);
    const env: Record<string, string | undefined> = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('SHOPLAKE_')) delete env[k];
    env.SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS = '6000';
    env.SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS = '500';
    env.SHOPLAKE_KAFKA_MAX_WAIT_MS = '100';
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bin/shoplake.ts',
        'ingest',
        '--brokers',
        broker.bootstrap,
        '--warehouse',
        warehouse,
        '--commit-interval',
        '1',
        // A cap of one event_id per silver table: every committed day is evicted from the dedup index, and counted.
        '--dedup-max-ids',
        '1',
      ],
      { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += String(d)));
    child.stderr.on('data', (d: Buffer) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const target = lastOffsets(RECORDS);
    for (const deadline = Date.now() + 90_000; ;) {
      if (reached(await bronzeCheckpoints(warehouse, TOPICS), target)) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not land everything:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill('SIGINT');
    expect(await exited, output).toBe(0);
    expect(output).toContain('"message":"stopped"');
    expect(output).toContain('"groupId":"shoplake-local-ingest"');
    expect(output).toContain('"auth":"none"');
    expect(output).toContain('"dedupMaxIds":1');
    const evicted = [...output.matchAll(/"dedup_scopes_evicted":(\d+)/g)].map((m) => Number(m[1]));
    expect(evicted.length, 'one EMF document per batch').toBeGreaterThan(0);
    expect(
      evicted.reduce((a, b) => a + b, 0),
      'the cap reached the pipeline',
    ).toBeGreaterThan(0);
    // The warehouse got its own development PII salt, as `shoplake local run` gives it.
    expect((await fs.readFile(path.join(warehouse, LOCAL_SALT_FILE), 'utf8')).trim().length).toBeGreaterThanOrEqual(16);
  });

  it('fails naming the flag and its variable', async () => {
    const env = { SHOPLAKE_KAFKA_BROKERS: '' };
    const missing = await shoplake(['ingest', '--warehouse', warehouse], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('shoplake: --brokers (SHOPLAKE_KAFKA_BROKERS) is not set');
    const bad = await shoplake(
      ['ingest', '--brokers', broker.bootstrap, '--warehouse', warehouse, '--target-batch-bytes', 'lots'],
      env,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("option '--target-batch-bytes <bytes>' argument 'lots' is invalid");
    const auth = await shoplake(['ingest', '--brokers', broker.bootstrap, '--auth', 'scram'], env);
    expect(auth.code).not.toBe(0);
    expect(auth.stderr).toContain('Allowed choices are none, msk-iam');
    const cap = await shoplake(
      ['ingest', '--brokers', broker.bootstrap, '--warehouse', warehouse, '--dedup-max-ids', '0'],
      env,
    );
    expect(cap.code).toBe(1);
    expect(cap.stderr).toContain('--dedup-max-ids (SHOPLAKE_DEDUP_MAX_IDS)="0" is not a positive integer');
  });
});
