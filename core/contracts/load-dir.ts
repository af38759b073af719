// Reads the contract files from a glue-schemas/ folder on disk (the CLI, the build and the tests). The runtime
// (Lambda) never reads the folder: it uses the static imports in sources.generated.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractFiles, SourceFile } from './format.js';
import { loadContracts } from './load.js';
import type { ContractSet } from './load.js';

/** Reads envelope.json, topics.json, events/*.json and system/*.json; a file that is not JSON throws naming it. */
export function readContractFiles(dir: string): ContractFiles {
  const read = (path: string): SourceFile => {
    const text = readFileSync(join(dir, path), 'utf8');
    try {
      return { path, json: JSON.parse(text) as unknown };
    } catch (err) {
      throw new Error(`glue-schemas/${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  };
  const list = (sub: string): SourceFile[] =>
    readdirSync(join(dir, sub))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => read(`${sub}/${f}`));
  return {
    envelope: read('envelope.json'),
    topics: read('topics.json'),
    events: list('events'),
    system: list('system'),
  };
}

export function loadContractsFromDir(dir: string): ContractSet {
  return loadContracts(readContractFiles(dir));
}
