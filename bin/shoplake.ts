#!/usr/bin/env -S npx tsx
// The `shoplake` CLI entry. Each command lives in bin/commands/<name>.ts and stays thin over core/.
import { Command } from 'commander';
import { generateCommand } from './commands/generate.js';
import { schemasCommand } from './commands/schemas.js';
import { localCommand } from './commands/local.js';
import { tablesCommand } from './commands/tables.js';
import { queryCommand } from './commands/query.js';
import { ingestCommand } from './commands/ingest.js';
import { maintenanceCommand } from './commands/maintenance.js';
import { skipOffsetsCommand } from './commands/skip-offsets.js';

const program = new Command()
  .name('shoplake')
  .description('Streaming lakehouse for e-commerce: Kafka events into Apache Iceberg tables.')
  .showHelpAfterError()
  .addCommand(localCommand())
  .addCommand(generateCommand())
  .addCommand(tablesCommand())
  .addCommand(queryCommand())
  .addCommand(schemasCommand())
  .addCommand(ingestCommand())
  .addCommand(maintenanceCommand())
  .addCommand(skipOffsetsCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`shoplake: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
