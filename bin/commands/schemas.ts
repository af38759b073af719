import { Command } from 'commander';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll } from '../../core/contracts/build.js';
import { checkRelease, writeRelease } from '../../core/contracts/release.js';

const repoRoot = (): string => fileURLToPath(new URL('../..', import.meta.url));

/** `shoplake schemas build|check|release`: thin over core/contracts. */
export function schemasCommand(): Command {
  const cmd = new Command('schemas').description(
    'Event contracts in glue-schemas/: derive artifacts, check evolution, release.',
  );

  cmd
    .command('build')
    .description('Lint the contracts, write glue-schemas/derived/ and regenerate core/contracts/*.generated.ts.')
    .option('--derived-only', 'write glue-schemas/derived/ only, not the generated TypeScript')
    .action(async (opts: { derivedOnly?: boolean }) => {
      const r = await buildAll(repoRoot(), { code: !opts.derivedOnly });
      process.stdout.write(
        `schemas build: ${r.tables} tables, ${r.artifacts.length} artifacts in glue-schemas/derived/` +
          (r.generated.length ? `; regenerated ${r.generated.join(', ')}` : '') +
          '\n',
      );
    });

  cmd
    .command('check')
    .description('Fail on a breaking change against the released snapshot in glue-schemas/released/.')
    .action(() => {
      const r = checkRelease(repoRoot());
      for (const line of r.notes) process.stdout.write(`  note: ${line}\n`);
      if (r.breaking.length > 0) {
        process.stderr.write(
          `schemas check: ${r.breaking.length} breaking change(s) against glue-schemas/released/:\n`,
        );
        for (const line of r.breaking) process.stderr.write(`  ${line}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`schemas check: ok (${r.tables} tables compatible with the released snapshot)\n`);
    });

  cmd
    .command('release')
    .description('Record the current contracts as the released snapshot (refuses breaking changes).')
    .option('--force', 'record even with breaking changes (only before any data exists)')
    .action((opts: { force?: boolean }) => {
      const r = writeRelease(repoRoot(), { force: opts.force === true });
      if (!r.written) {
        process.stderr.write(`schemas release: refused, ${r.breaking.length} breaking change(s):\n`);
        for (const line of r.breaking) process.stderr.write(`  ${line}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`schemas release: recorded ${r.tables} tables in ${r.file}\n`);
    });

  return cmd;
}

// Runnable on its own (`tsx bin/commands/schemas.ts build`), so `npm ci`'s prepare step depends on the contracts
// code only, not on every other command of the CLI.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  schemasCommand()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`shoplake schemas: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
