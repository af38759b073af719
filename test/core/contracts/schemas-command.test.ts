// `shoplake schemas build|check|release` (bin/commands/schemas.ts): help on every command, check on the repo.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { schemasCommand } from '../../../bin/commands/schemas.js';

describe('shoplake schemas', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('has build, check and release, each with a description for --help', () => {
    const cmd = schemasCommand();
    expect(cmd.commands.map((c) => c.name())).toEqual(['build', 'check', 'release']);
    for (const c of cmd.commands)
      expect(c.helpInformation()).toMatch(new RegExp(`Usage: schemas ${c.name()} \\[options\\]\\n\\n\\S`));
    expect(cmd.commands.find((c) => c.name() === 'release')!.helpInformation()).toContain('--force');
  });

  it('check passes on the repository and says so', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    await schemasCommand().parseAsync(['check'], { from: 'user' });
    expect(process.exitCode).toBeUndefined();
    expect(out.join('')).toMatch(/^schemas check: ok \(\d+ tables compatible with the released snapshot\)$/m);
  });
});
