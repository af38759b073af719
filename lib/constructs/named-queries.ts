// Athena named queries loaded from a folder of .sql files. A file's first line `-- <description>` describes it;
// `{{bronze}}`, `{{silver}}`, `{{gold}}` and `{{ops}}` become the environment's Glue database names. A query that
// names a table the contracts do not declare fails synth with the file and the table.
import * as athena from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaError } from '../schemas/load.js';

export interface NamedQueriesProps {
  /** Folder of .sql files. */
  readonly directory: string;
  /** How the folder is named in errors, e.g. `lib/athena-queries`. */
  readonly displayPath: string;
  readonly workGroup: athena.CfnWorkGroup;
  /** Layer -> Glue database name. */
  readonly databases: Readonly<Record<'bronze' | 'silver' | 'gold' | 'ops', string>>;
  /** `<layer>.<table>` of every table the contracts declare (gold tables are not checked). */
  readonly knownTables: ReadonlySet<string>;
}

export interface SqlQuery {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** Reads and renders the queries of a folder; exported for tests. */
export function loadQueries(props: Omit<NamedQueriesProps, 'workGroup'>): SqlQuery[] {
  const files = readdirSync(props.directory)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return files.map((file) => {
    const text = readFileSync(join(props.directory, file), 'utf8');
    const first = text.split('\n', 1)[0] ?? '';
    if (!first.startsWith('--'))
      throw new SchemaError(`${props.displayPath}/${file}: the first line must be "-- <description>"`);
    for (const m of text.matchAll(/\{\{(\w+)\}\}(?:\.(\w+))?/g)) {
      const layer = m[1]!;
      if (!(layer in props.databases))
        throw new SchemaError(`${props.displayPath}/${file}: unknown placeholder {{${layer}}}`);
      if (m[2] && layer !== 'gold' && !props.knownTables.has(`${layer}.${m[2]}`)) {
        throw new SchemaError(`${props.displayPath}/${file}: table ${layer}.${m[2]} is not declared by any contract`);
      }
    }
    const sql = text.replace(
      /\{\{(\w+)\}\}/g,
      (_, layer: string) => props.databases[layer as keyof typeof props.databases],
    );
    return { name: file.slice(0, -'.sql'.length), description: first.replace(/^--\s*/, '').slice(0, 1024), sql };
  });
}

export class NamedQueries extends Construct {
  readonly queries: athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: NamedQueriesProps) {
    super(scope, id);
    this.queries = loadQueries(props).map((q) => {
      const query = new athena.CfnNamedQuery(this, q.name, {
        name: q.name,
        description: q.description,
        database: props.databases.silver,
        workGroup: props.workGroup.name,
        queryString: q.sql,
      });
      query.addResourceDependency(props.workGroup);
      return query;
    });
  }
}
