// Bad arguments and --help of `local run`, `tables` and `query`: a clear message naming the option or the
// directory, and nothing written. Option parsing runs in-process on the real command objects (commander with
// exitOverride, so a test is not a process start); one case goes through the real CLI for the exit code.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import type { Command } from 'commander';
import { localCommand } from '../../bin/commands/local.js';
import { tablesCommand } from '../../bin/commands/tables.js';
import { queryCommand } from '../../bin/commands/query.js';
import { inProcess, shoplake } from './cli.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-args-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const parse = async (args: string[]) => {
  const r = await inProcess(args);
  return { error: r.error, out: r.stdout, err: r.stderr };
};

describe('bad arguments', () => {
  it('local run: a non-integer --events is rejected before anything is written', async () => {
    const wh = path.join(root, 'never');
    const r = await parse(['local', 'run', '--events', 'lots', '--warehouse', wh]);
    expect(r.error).toBeInstanceOf(CommanderError);
    expect(r.err).toMatch(/--events must be an integer in \[0, \d+\], got "lots"/);
    await expect(fs.stat(wh)).rejects.toThrow(/ENOENT/);
  });

  it('local run: --batch-size outside 1..10000, a share outside [0, 1) and an unknown option are named', async () => {
    const cases: [string[], RegExp][] = [
      [['--batch-size', '20000'], /--batch-size must be an integer in \[1, 10000\], got "20000"/],
      [['--seed', '-1'], /--seed must be an integer in \[0, 4294967295\], got "-1"/],
      [['--late', '1.5'], /--late must be a number in \[0, 1\), got "1.5"/],
      [['--days', '0'], /--days must be a number > 0, got "0"/],
      [['--dedup-max-ids', '0'], /--dedup-max-ids must be an integer in \[1, \d+\], got "0"/],
      [['--dedup-max-ids', '8M'], /--dedup-max-ids must be an integer in \[1, \d+\], got "8M"/],
      [['--eventz', '5'], /unknown option '--eventz'/],
    ];
    for (const [args, message] of cases) {
      const r = await parse(['local', 'run', '--warehouse', path.join(root, 'never'), ...args]);
      expect(r.error, args.join(' ')).toBeInstanceOf(CommanderError);
      expect(r.err, args.join(' ')).toMatch(message);
    }
  });

  it('local run --reset refuses a directory that is not a warehouse and deletes nothing', async () => {
    const dir = path.join(root, 'project');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'package.json'), '{}');
    const r = await parse(['local', 'run', '--events', '10', '--reset', '--no-progress', '--warehouse', dir]);
    expect(r.error?.message).toMatch(
      /refusing to delete .*project: it does not look like a shoplake warehouse \(found package\.json\)/,
    );
    expect(await fs.readFile(path.join(dir, 'package.json'), 'utf8')).toBe('{}');
  });

  it('query: SQL is required, --max-rows must be a count, and a missing warehouse is named', async () => {
    const missing = await parse(['query', '--warehouse', root]);
    expect(missing.err).toMatch(/missing required argument 'sql'/);
    const bad = await parse(['query', '--warehouse', root, '--max-rows', '-3', 'SELECT 1']);
    expect(bad.err).toMatch(/--max-rows.*must be an integer >= 0, got "-3"/);
    const wh = path.join(root, 'missing');
    const none = await parse(['query', '--warehouse', wh, 'SELECT 1']);
    expect(none.error?.message).toBe(
      `warehouse ${wh} does not exist (create one with \`shoplake local run --warehouse ${wh}\`)`,
    );
  });

  it('tables through the real CLI: a missing warehouse exits 1 with the message', async () => {
    const wh = path.join(root, 'missing');
    const r = await shoplake(['tables', '--warehouse', wh]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `shoplake: warehouse ${wh} does not exist (create one with \`shoplake local run --warehouse ${wh}\`)\n`,
    );
    expect(r.stdout).toBe('');
  });
});

describe('--help', () => {
  const help = (c: Command, name?: string): string =>
    (name ? c.commands.find((x) => x.name() === name)! : c).helpInformation();

  it('documents every option of local run, tables and query', () => {
    const run = help(localCommand(), 'run');
    for (const o of [
      '--events',
      '--seed',
      '--warehouse',
      '--batch-size',
      '--reset',
      '--dedup-max-ids',
      '--json',
      '--no-progress',
    ]) {
      expect(run).toContain(o);
    }
    expect(help(localCommand())).toContain('run [options]');
    const tables = help(tablesCommand());
    for (const o of ['--warehouse', '--json']) expect(tables).toContain(o);
    const query = help(queryCommand());
    for (const o of ['<sql>', '--warehouse', '--json', '--max-rows']) expect(query).toContain(o);
  });

  it('explains re-runs and shows query examples after the options', async () => {
    const run = await parse(['local', 'run', '--help']);
    expect(run.out).toMatch(/A re-run on a warehouse with data continues the stream/);
    const query = await parse(['query', '--help']);
    expect(query.out).toMatch(/Examples:\n {2}shoplake query "SELECT count\(\*\) FROM silver\.order_created"/);
  });
});
