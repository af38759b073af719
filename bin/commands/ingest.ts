import { Command } from 'commander';

/** `shoplake ingest`: not built yet; its issue replaces this file. */
export function ingestCommand(): Command {
  return new Command('ingest').description('(not built yet)').action(() => {
    process.stderr.write('shoplake ingest: not built yet\n');
    process.exitCode = 2;
  });
}
