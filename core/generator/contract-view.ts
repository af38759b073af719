// What the generator needs from the contracts (core/contracts): per event type its topic, its current
// schema_version and its top-level fields, envelope first, which decide what a `missing_required` or `wrong_type`
// record breaks. A ContractSet from core/contracts is one; the default is the bundled one (glue-schemas/).
import { contracts } from '../contracts/index.js';
import type { ContractField } from '../contracts/index.js';

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

/** The contracts of this build (glue-schemas/, as core/contracts bundles them). */
export function repositoryContracts(): GeneratorContracts {
  return contracts();
}
