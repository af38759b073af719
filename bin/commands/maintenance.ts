import { Command } from 'commander';

/** `shoplake maintenance`: not built yet; its issue replaces this file. */
export function maintenanceCommand(): Command {
  return new Command('maintenance').description('(not built yet)').action(() => {
    process.stderr.write('shoplake maintenance: not built yet\n');
    process.exitCode = 2;
  });
}
