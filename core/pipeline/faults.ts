// Crash injection for the exactly-once tests: SHOPLAKE_FAULT=<point>[:<probability>] makes the process exit
// abruptly (process.exit, no cleanup, no flush) when it reaches that point, with the given probability (default
// 1). Several points: comma-separated. Without the variable every call is a no-op. See docs/exactly-once.md.
//   after-data-files   all data files of the batch are written, nothing committed yet
//   after-manifests    inside a table's commit: manifests and manifest list written, metadata not swapped
//   before-commit      before each table's commit
//   after-commit       after a table's commit, before the next table's
//   before-offset-ack  every table committed, before the batch is acknowledged (Lambda returns, ECS commits Kafka)

export const FAULT_POINTS = [
  'after-data-files',
  'after-manifests',
  'before-commit',
  'after-commit',
  'before-offset-ack',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Exit code of an injected crash (tests tell it from real failures). */
export const FAULT_EXIT_CODE = 86;

export type FaultInjector = (point: FaultPoint, detail?: string) => void;

/** Parses SHOPLAKE_FAULT; throws naming the variable on a malformed value (a typo must not silently disable it). */
export function parseFaults(spec: string | undefined): Map<FaultPoint, number> {
  const out = new Map<FaultPoint, number>();
  if (!spec || spec.trim() === '') return out;
  for (const part of spec.split(',')) {
    const [point, p] = part.trim().split(':');
    if (!FAULT_POINTS.includes(point as FaultPoint)) {
      throw new Error(`SHOPLAKE_FAULT: unknown point ${JSON.stringify(point)} (one of ${FAULT_POINTS.join(', ')})`);
    }
    const probability = p === undefined ? 1 : Number(p);
    if (!(probability >= 0 && probability <= 1)) {
      throw new Error(`SHOPLAKE_FAULT: probability ${JSON.stringify(p)} of ${point} is not a number in [0, 1]`);
    }
    out.set(point as FaultPoint, probability);
  }
  return out;
}

/** The injector for a SHOPLAKE_FAULT value; `random` and `exit` are replaceable for tests of this file. */
export function faultInjector(
  spec: string | undefined,
  random: () => number = Math.random,
  exit: (code: number) => never = (code) => process.exit(code),
): FaultInjector {
  const faults = parseFaults(spec);
  if (faults.size === 0) return () => undefined;
  return (point, detail) => {
    const p = faults.get(point);
    if (p === undefined || random() >= p) return;
    process.stderr.write(`shoplake: injected crash at ${point}${detail ? ` (${detail})` : ''}\n`);
    exit(FAULT_EXIT_CODE);
  };
}
