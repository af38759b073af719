// `shoplake query "SQL"`: SQL over a local warehouse with DuckDB; every table is a view named like the table
// (bronze.orders, silver.order_created, ops.quarantine). Thin over core/local/query-session.ts.
import { Command, InvalidArgumentError } from 'commander';
import { openQuerySession } from '../../core/local/query-session.js';
import { DEFAULT_WAREHOUSE } from '../../core/local/run-local.js';
import { displayValue, toJson } from '../../core/local/duckdb-values.js';
import { formatCount, formatTable } from '../../core/local/format-table.js';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`must be an integer >= 0, got "${v}"`);
  return n;
};

export function queryCommand(): Command {
  return new Command('query')
    .description(
      'Run SQL over a local warehouse with DuckDB; tables are views named like bronze.orders, silver.order_created.',
    )
    .argument('<sql>', 'the SQL (several statements: the result of the last one is printed)')
    .option('--warehouse <dir>', 'warehouse directory (Hadoop layout)', DEFAULT_WAREHOUSE)
    .option('--json', 'print JSON (an array of row objects; integers exact, decimals as strings, timestamps ISO 8601)')
    .option('--max-rows <n>', 'rows to print at most (default: 100 for the table, all for --json)', positive)
    .addHelpText(
      'after',
      '\nEach table is a view (one DuckDB schema per namespace) over the Parquet files of its current snapshot, ' +
        'so no DuckDB extension is needed.\n\nExamples:\n' +
        '  shoplake query "SELECT count(*) FROM silver.order_created"\n' +
        '  shoplake query --json "SELECT reason_code, count(*) AS n FROM ops.quarantine GROUP BY ALL ORDER BY n DESC"',
    )
    .action(async (sql: string, o: { warehouse: string; json?: boolean; maxRows?: number }) => {
      const session = await openQuerySession(o.warehouse);
      try {
        for (const s of session.skipped)
          process.stderr.write(`shoplake query: warning: ${s.table} is not queryable: ${s.error}\n`);
        const maxRows = o.maxRows ?? (o.json ? undefined : 100);
        const result = await session.query(sql, maxRows === undefined ? {} : { maxRows });
        const names = uniqueNames(result.columns.map((c) => c.name));
        if (o.json) {
          const objects = result.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
          // One row object per line: readable, and still one JSON document.
          process.stdout.write(
            objects.length === 0 ? '[]\n' : `[\n${objects.map((r) => `  ${toJson(r)}`).join(',\n')}\n]\n`,
          );
          if (result.truncated)
            process.stderr.write(`shoplake query: output cut at ${formatCount(maxRows!)} rows (--max-rows)\n`);
          return;
        }
        const align = result.columns.map((c) => (NUMERIC.test(c.type) ? 'right' : 'left') as 'right' | 'left');
        const table = formatTable(
          names,
          result.rows.map((r) => r.map(displayValue)),
          { align },
        );
        const n = result.rows.length;
        const footer = result.truncated
          ? `(first ${formatCount(n)} rows; more not shown: use --max-rows)`
          : `(${formatCount(n)} row${n === 1 ? '' : 's'})`;
        process.stdout.write(`${table}\n${footer}\n`);
      } finally {
        session.close();
      }
    });
}

/** Column names made unique for JSON objects (`a`, `a_2`, …). */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}_${k}`;
  });
}
