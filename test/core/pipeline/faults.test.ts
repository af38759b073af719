import { describe, expect, it } from 'vitest';
import { FAULT_EXIT_CODE, faultInjector, parseFaults } from '../../../core/pipeline/index.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
const exit = (code: number): never => {
  throw new Exit(code);
};

describe('SHOPLAKE_FAULT', () => {
  it('parses points with optional probabilities and refuses typos', () => {
    expect(parseFaults('after-commit:0.25, before-offset-ack')).toEqual(
      new Map([
        ['after-commit', 0.25],
        ['before-offset-ack', 1],
      ]),
    );
    expect(parseFaults(undefined).size).toBe(0);
    expect(() => parseFaults('after-comit')).toThrow(/SHOPLAKE_FAULT: unknown point "after-comit"/);
    expect(() => parseFaults('after-commit:2')).toThrow(/probability "2"/);
    expect(() => parseFaults('after-commit:x')).toThrow(/probability "x"/);
  });

  it('exits with the fault exit code at a configured point, by probability', () => {
    const draws = [0.9, 0.1];
    const inject = faultInjector('before-commit:0.5', () => draws.shift()!, exit);
    inject('after-commit');
    inject('before-commit');
    expect(() => inject('before-commit')).toThrow(Exit);
    expect(draws).toEqual([]);
    let thrown: unknown;
    try {
      faultInjector('after-data-files', () => 0, exit)('after-data-files');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Exit);
    expect((thrown as Exit).code).toBe(FAULT_EXIT_CODE);
  });

  it('is a no-op without the variable', () => {
    const inject = faultInjector('', () => 0, exit);
    for (const p of [
      'after-data-files',
      'after-manifests',
      'before-commit',
      'after-commit',
      'before-offset-ack',
    ] as const)
      inject(p);
  });
});
