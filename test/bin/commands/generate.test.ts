// `shoplake generate` through the real CLI (child processes): the file it writes is the generator's output byte for
// byte, the MSK format parses as Lambda events, the summary and stats file count what was written, bad options fail
// naming the option, and --brokers produces to the real-protocol test broker.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MSKEvent } from 'aws-lambda';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { createKafka } from '../../../core/kafka/index.js';
import { generateCommand } from '../../../bin/commands/generate.js';
import { shoplake } from '../cli.js';
import { useKafkaBroker } from '../../support/kafka-broker.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoplake-generate-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shoplake generate', () => {
  it('writes the generator output to --out, byte for byte, and its stats to --stats-file', async () => {
    const out = join(dir, 'events.ndjson');
    const statsFile = join(dir, 'stats.json');
    const res = await shoplake([
      'generate',
      '--events',
      '3000',
      '--seed',
      '5',
      '--days',
      '2',
      '--out',
      out,
      '--stats-file',
      statsFile,
      '--quiet',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    const stream = generateEvents({ seed: 5, events: 3000, days: 2 });
    const expected = Buffer.concat([...stream].flatMap((r) => [r.value, Buffer.of(0x0a)]));
    expect((await readFile(out)).equals(expected)).toBe(true);
    expect(JSON.parse(await readFile(statsFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(stream.stats)));
  });

  it('writes NDJSON to stdout and a summary to stderr', async () => {
    const res = await shoplake(['generate', '--events', '500', '--bad', '0']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(500);
    for (const line of lines) expect((JSON.parse(line) as { event_type: string }).event_type).toBeTruthy();
    expect(res.stderr).toMatch(/^records 500 /m);
    expect(res.stderr).toMatch(/by kind:/);
    expect(res.stderr).toMatch(/funnel \(visits started\)/);
  });

  it('writes MSK events, one per line', async () => {
    const res = await shoplake(['generate', '--events', '400', '--format', 'msk', '--batch-size', '50', '--quiet']);
    expect(res.code, res.stderr).toBe(0);
    const events = res.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as MSKEvent);
    expect(events.every((e) => e.eventSource === 'aws:kafka')).toBe(true);
    const counts = events.map((e) => Object.values(e.records).flat().length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(400);
    expect(Math.max(...counts)).toBe(50);
  });

  it('fails with a message naming a bad option', async () => {
    await expect(inProcess(['--events', 'many'])).rejects.toThrow(/--events must be an integer, got "many"/);
    await expect(inProcess(['--bad-kinds', 'not_json,bogus'])).rejects.toThrow(/unknown bad kind "bogus"/);
    await expect(inProcess(['--late', '0.7', '--duplicates', '0.5'])).rejects.toThrow(
      /lateShare \+ duplicateShare \+ badShare must stay below 1/,
    );
    await expect(inProcess(['--format', 'csv'])).rejects.toThrow(/Allowed choices are ndjson, msk/);
  });

  it('fails with one clear line, no stack trace, when --out cannot be written', async () => {
    const missing = join(dir, 'no-such-dir', 'out.ndjson');
    for (const format of ['ndjson', 'msk']) {
      const res = await shoplake(['generate', '--events', '10', '--format', format, '--out', missing, '--quiet']);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`shoplake: cannot write --out ${missing}: ENOENT`);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
    // a write that fails after the open (/dev/full: ENOSPC) is an error too, not a silent short file
    const full = await shoplake(['generate', '--events', '2000', '--format', 'msk', '--out', '/dev/full', '--quiet']);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('shoplake: writing the output failed: ENOSPC');
  });

  it('documents its options in --help', () => {
    const help = generateCommand().helpInformation();
    for (const o of [
      '--seed',
      '--events',
      '--start',
      '--days',
      '--shops',
      '--late',
      '--duplicates',
      '--bad',
      '--bad-kinds',
      '--format',
      '--out',
      '--brokers',
    ]) {
      expect(help).toContain(o);
    }
  });
});

/** Parses `shoplake generate <args>` in this process (for argument errors: no output is written). */
async function inProcess(args: string[]): Promise<void> {
  const cmd = generateCommand()
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  await cmd.parseAsync(['node', 'generate', ...args]);
}

describe('shoplake generate --brokers', () => {
  const broker = useKafkaBroker({
    topics: Object.fromEntries(['orders', 'behaviour', 'customers', 'catalog', 'inventory'].map((t) => [t, 6])),
  });

  it('produces the records to Kafka', async () => {
    const res = await shoplake(['generate', '--events', '600', '--brokers', broker.bootstrap]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/produced 600 records/);
    const admin = createKafka({
      brokers: broker.bootstrap,
      clientId: 'generate-cli-test',
      auth: 'none',
      logLevel: 'warn',
    }).admin();
    await admin.connect();
    try {
      let total = 0;
      for (const t of ['orders', 'behaviour', 'customers', 'catalog', 'inventory']) {
        for (const p of await admin.fetchTopicOffsets(t)) total += Number(p.high);
      }
      expect(total).toBe(600);
    } finally {
      await admin.disconnect();
    }
  });
});
