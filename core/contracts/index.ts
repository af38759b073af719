// Public API of core/contracts. Runtime code imports from here; the default contract set is bundled through the
// static imports of sources.generated.ts, so it works the same in the Lambda bundle, the ECS job and the CLI.
import { CONTRACT_FILES } from './sources.generated.js';
import { loadContracts } from './load.js';
import type { ContractSet } from './load.js';
import { createValidator } from './validate.js';
import type { Validate, ValidateOptions, ValidationResult } from './validate.js';
import { createConformer } from './conform.js';
import type { Conform, Conformed, HashPii, SystemValues } from './conform.js';
import type { SilverSystemColumns } from './events.generated.js';

export * from './events.generated.js';
export type { ContractSet, EventContract, TableDef, Topic, Namespace } from './load.js';
export { loadContracts, ContractError } from './load.js';
export type { ContractField, ContractFiles, ContractType, PiiClass, Checks } from './format.js';
export type {
  Validate,
  ValidateOptions,
  ValidationResult,
  ValidationError,
  UnknownFields,
  ValidatorOptions,
} from './validate.js';
export { createValidator, MAX_ERRORS } from './validate.js';
export type { Conform, Conformed, HashPii, Row, SystemValues } from './conform.js';
export { createConformer } from './conform.js';
export { REASON_CODES } from './reason-codes.js';
export type { ReasonCode } from './reason-codes.js';
export { routing, routeEvent, routeTopic } from './routing.js';
export type { Routing, TopicRoute, EventRoute } from './routing.js';
export { icebergSchema, icebergPartitionSpec, icebergSortOrder } from './iceberg-schema.js';
export { glueColumns, hiveType } from './glue-columns.js';
export type { GlueColumn } from './glue-columns.js';
export { eventJsonSchema } from './json-schema.js';
export { derivedArtifacts, tableArtifact, piiColumns } from './derived.js';
export { createPiiHasher } from './pii.js';
export { parseTimestamptz, parseDate, normalizeDecimal } from './wire-values.js';

let defaultSet: ContractSet | undefined;
let defaultValidate: Validate | undefined;
let defaultConform: Conform | undefined;

/** The contracts of this build (glue-schemas/, bundled). Loaded and linted once per process. */
export function contracts(): ContractSet {
  return (defaultSet ??= loadContracts(CONTRACT_FILES));
}

/** Validates one parsed JSON event against the bundled contracts. Never throws. */
export function validate(event: unknown, options?: ValidateOptions): ValidationResult {
  return (defaultValidate ??= createValidator(contracts()))(event, options);
}

/** Conforms a validated event into its silver row and child rows (bundled contracts). */
export function conform(event: object, meta: SilverSystemColumns | SystemValues, hashPii: HashPii): Conformed {
  return (defaultConform ??= createConformer(contracts()))(event, meta as SystemValues, hashPii);
}

/** The table definition of `namespace.name` (e.g. `silver.order_line_items`), or undefined. */
export function table(qualifiedName: string) {
  return contracts().tables.find((t) => t.qualifiedName === qualifiedName);
}
