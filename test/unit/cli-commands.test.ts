// The `sla` command as a whole (issue 7 §2): every command takes --json and shows an example in
// its --help, and the global connection flags are checked like the variables they override.
import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { program, run } from '../../src/cli/main';

/** The long-running processes print their logs, not a result: --json has nothing to shape. */
const PROCESSES = new Set(['sla up', 'sla worker', 'sla api']);

function leaves(cmd: Command, path: string[] = ['sla']): { path: string; cmd: Command }[] {
  if (!cmd.commands.length) return [{ path: path.join(' '), cmd }];
  return cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

function helpOf(cmd: Command): string {
  let help = '';
  cmd.configureOutput({ writeOut: (s) => (help += s), writeErr: (s) => (help += s) });
  cmd.outputHelp();
  return help;
}

describe('sla: every command', () => {
  const all = leaves(program());

  it('covers tickets and sessions beside the other areas', () => {
    const paths = all.map((l) => l.path);
    for (const verb of [
      'open',
      'status',
      'list',
      'assign',
      'respond',
      'reply',
      'resolve',
      'reopen',
      'escalate',
      'reclassify',
    ])
      expect(paths).toContain(`sla ticket ${verb}`);
    for (const verb of ['start', 'status', 'end']) expect(paths).toContain(`sla session ${verb}`);
  });

  it('takes --json (the long-running processes aside)', () => {
    const without = all.filter((l) => !l.cmd.options.some((o) => o.long === '--json')).map((l) => l.path);
    expect(without.sort()).toEqual([...PROCESSES].sort());
  });

  it('shows an example in --help', () => {
    const without = all.filter((l) => !/Examples?:\n {2}(\S.*)?sla /.test(helpOf(l.cmd))).map((l) => l.path);
    expect(without).toEqual([]);
  });
});

describe('sla: global connection flags', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it('a bad --address or an empty --namespace is bad input (exit 2), named', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await run(['node', 'sla', '--address', 'nope', 'ticket', 'list'])).toBe(2);
    expect(String(stderr.mock.calls.at(-1)?.[0])).toBe('sla: --address: expected host:port, got "nope"\n');
    expect(await run(['node', 'sla', 'ticket', 'list', '--namespace', ' '])).toBe(2);
    expect(String(stderr.mock.calls.at(-1)?.[0])).toBe('sla: --namespace: must not be empty\n');
  });
});
