import { Command } from 'commander';

/** `shoplake local`: not built yet; its issue replaces this file. */
export function localCommand(): Command {
  return new Command('local').description('(not built yet)').action(() => {
    process.stderr.write('shoplake local: not built yet\n');
    process.exitCode = 2;
  });
}
