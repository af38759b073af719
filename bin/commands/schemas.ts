import { Command } from 'commander';

/** `shoplake schemas`: not built yet; its issue replaces this file. */
export function schemasCommand(): Command {
  return new Command('schemas').description('(not built yet)').action(() => {
    process.stderr.write('shoplake schemas: not built yet\n');
    process.exitCode = 2;
  });
}
