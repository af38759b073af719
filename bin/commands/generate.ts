import { Command } from 'commander';

/** `shoplake generate`: not built yet; its issue replaces this file. */
export function generateCommand(): Command {
  return new Command('generate').description('(not built yet)').action(() => {
    process.stderr.write('shoplake generate: not built yet\n');
    process.exitCode = 2;
  });
}
