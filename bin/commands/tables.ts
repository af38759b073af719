// `shoplake tables`: the tables of a local warehouse with their current snapshot, records, files, bytes, snapshots
// and last commit time, as an aligned table or JSON. Thin over core/local/table-stats.ts.
import { Command } from 'commander';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { checkWarehouse } from '../../core/local/query-session.js';
import { DEFAULT_WAREHOUSE } from '../../core/local/run-local.js';
import { tableStats } from '../../core/local/table-stats.js';
import { formatBytes, formatCount, formatTable, formatTime } from '../../core/local/format-table.js';

export function tablesCommand(): Command {
  return new Command('tables')
    .description(
      'List the tables of a local warehouse: current snapshot, records, files, bytes, snapshots, last commit.',
    )
    .option('--warehouse <dir>', 'warehouse directory (Hadoop layout)', DEFAULT_WAREHOUSE)
    .option('--json', 'print JSON (an array of tables) instead of a table')
    .action(async (o: { warehouse: string; json?: boolean }) => {
      const stats = await tableStats(new LocalCatalog(await checkWarehouse(o.warehouse)));
      if (o.json) {
        const out = stats.map((t) => ({
          ...t,
          lastCommit: t.lastCommitMs === null ? null : new Date(t.lastCommitMs).toISOString(),
        }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      if (stats.length === 0) {
        process.stdout.write(`no tables in ${o.warehouse}\n`);
        return;
      }
      const rows = stats.map((t) => [
        t.table,
        t.currentSnapshotId ?? '(none)',
        formatCount(t.records),
        formatCount(t.dataFiles),
        formatBytes(t.bytes),
        formatCount(t.snapshots),
        t.lastCommitMs === null ? '' : formatTime(t.lastCommitMs),
      ]);
      const header = ['table', 'current snapshot', 'records', 'files', 'bytes', 'snapshots', 'last commit'];
      const align = ['left', 'right', 'right', 'right', 'right', 'right', 'left'] as const;
      process.stdout.write(`${formatTable(header, rows, { align: [...align] })}\n`);
    });
}
