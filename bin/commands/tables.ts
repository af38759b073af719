import { Command } from 'commander';

/** `shoplake tables`: not built yet; its issue replaces this file. */
export function tablesCommand(): Command {
  return new Command('tables').description('(not built yet)').action(() => {
    process.stderr.write('shoplake tables: not built yet\n');
    process.exitCode = 2;
  });
}
