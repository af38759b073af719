import { Command } from 'commander';

/** `shoplake query`: not built yet; its issue replaces this file. */
export function queryCommand(): Command {
  return new Command('query').description('(not built yet)').action(() => {
    process.stderr.write('shoplake query: not built yet\n');
    process.exitCode = 2;
  });
}
