// Which tables maintenance runs over: every bronze, silver and ops table the contracts declare (the tables the CDK
// app creates in Glue and the pipeline writes), under the deployment's namespaces. Taken from the bundled contracts,
// not from listing the catalog: the maintenance task role may read and update exactly those Glue tables (no
// glue:GetTables), and a table someone else put in the same database is not ours to rewrite.
import { contracts } from '../contracts/index.js';
import type { TableIdentifier } from '../iceberg/catalog/catalog.js';
import type { Namespaces } from '../pipeline/tables.js';

export const DEFAULT_NAMESPACES: Namespaces = { bronze: 'bronze', silver: 'silver', ops: 'ops' };

/** The contracts' tables, bronze first, then silver, then ops, each sorted by name. */
export function maintainedTables(namespaces: Namespaces = DEFAULT_NAMESPACES): TableIdentifier[] {
  const layers = ['bronze', 'silver', 'ops'] as const;
  return layers.flatMap((layer) =>
    contracts()
      .tables.filter((t) => t.namespace === layer)
      .map((t) => t.name)
      .sort()
      .map((name) => ({ namespace: namespaces[layer], name })),
  );
}

/** `ns.name` -> identifier; a clear error otherwise. */
export function parseTableName(value: string): TableIdentifier {
  const m = /^([^.\s]+)\.([^.\s]+)$/.exec(value.trim());
  if (!m) throw new Error(`table ${JSON.stringify(value)} is not <namespace>.<name> (e.g. silver.order_created)`);
  return { namespace: m[1]!, name: m[2]! };
}
