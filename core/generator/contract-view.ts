// What the generator needs from the contracts: per event type its topic, its current schema_version and its
// top-level fields (envelope first), which decide what a `missing_required` or `wrong_type` record breaks.
import type { ContractField } from '../contracts/format.js';

export interface EventShape {
  eventType: string;
  topic: string;
  schemaVersion: number;
  /** Envelope fields, then payload fields, as in the contract. */
  fields: readonly ContractField[];
}

export interface GeneratorContracts {
  events: ReadonlyMap<string, EventShape>;
}

// TEMPORARY until core/contracts exposes its loader: read glue-schemas/ directly.
import { readFileSync, readdirSync } from 'node:fs';
import type { ColumnsFile, EventContractFile } from '../contracts/format.js';

export function loadGeneratorContracts(dir = new URL('../../glue-schemas/', import.meta.url)): GeneratorContracts {
  const envelope = JSON.parse(readFileSync(new URL('envelope.json', dir), 'utf8')) as ColumnsFile;
  const events = new Map<string, EventShape>();
  for (const f of readdirSync(new URL('events/', dir)).filter((n) => n.endsWith('.json')).sort()) {
    const c = JSON.parse(readFileSync(new URL(`events/${f}`, dir), 'utf8')) as EventContractFile;
    events.set(c.event_type, { eventType: c.event_type, topic: c.topic, schemaVersion: c.schema_version, fields: [...envelope.fields, ...c.fields] });
  }
  return { events };
}
