// The `sla` command as a whole: every command takes --json and shows an example in
// its --help, and the global connection flags are checked like the variables they override.
import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure, program, run } from '../../src/cli/main';
import { inFlags } from '../../src/cli/sla';
import { ConfigError } from '../../src/config';
import { ConflictError, ERROR_CODES, InvalidInputError, NotFoundError, SlaError } from '../../src/errors';
import { LedgerUnavailableError } from '../../src/ledger/driver';
import { LedgerInputError } from '../../src/ledger/schema';
import { LedgerConflictError } from '../../src/ledger/sql-ledger';

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

  it('exits with the code of the error a command threw, from ERROR_CODES; a fault of ours with 1 and its stack', () => {
    const cases: [unknown, number][] = [
      [new InvalidInputError([{ path: 'a', message: 'm' }]), 2],
      [new LedgerInputError([{ row: '[0]', field: 'region', message: 'm' }]), 2],
      [new ConfigError('invalid settings'), 2],
      [new NotFoundError('no ticket T-1'), 3],
      [new ConflictError('already resolved'), 1],
      // A ledger conflict is a conflict as in the API (409), not bad input.
      [new LedgerConflictError('exists with other figures'), 1],
      [new LedgerUnavailableError('cannot reach the ledger'), 4],
    ];
    for (const [err, exit] of cases) {
      expect(failure(err)).toEqual({ exit, text: (err as Error).message });
      expect(ERROR_CODES[(err as SlaError).code].exit).toBe(exit);
    }
    const fault = new TypeError('x is undefined');
    expect(failure(fault)).toEqual({ exit: 1, text: fault.stack });
  });

  it("a workflow's refusal, which names its field in the message, names it once, as the flag", async () => {
    const refusal = new InvalidInputError([
      { path: 'responderId', message: 'responderId: agent.toronto is not a Level 3 responder' },
    ]);
    await expect(inFlags({ responderId: 'responder' }, () => Promise.reject(refusal))).rejects.toThrow(
      /^--responder: agent\.toronto is not a Level 3 responder$/,
    );
  });

  it('sla outage names the flag or argument of a bad input (not the schema path), before connecting', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // Port 1 answers nobody: a command that tried to connect would exit 4, not 2.
    const outage = async (...args: string[]) => {
      const code = await run(['node', 'sla', '--address', '127.0.0.1:1', 'outage', ...args]);
      return { code, stderr: String(stderr.mock.calls.at(-1)?.[0]) };
    };
    const report = ['report', '--key', 'INC-1', '--summary', 'API 503'];
    expect(await outage(...report, '--region', 'ca-central', '--region', 'Not A Region')).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^sla: --region: expected a region id/),
    });
    expect(await outage(...report, '--region', 'ca-central', '--started-at', 'yesterday')).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^sla: --started-at: /),
    });
    expect(await outage('ack', 'INC 1', '--responder', 'specialist.ottawa')).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^sla: <key>: /),
    });
    expect(await outage('ack', 'INC-1', '--responder', '')).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^sla: --responder: /),
    });
    expect(
      await outage(
        'classify',
        'INC-1',
        '--as',
        'partial',
        '--region',
        'EU West',
        '--by',
        'eng',
        '--reason',
        'r',
      ),
    ).toEqual({ code: 2, stderr: expect.stringMatching(/^sla: --region: expected a region id/) });
    expect(await outage('resolve', 'INC-1', '--by', 'eng', '--end', 'soon')).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^sla: --end: /),
    });
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).not.toMatch(
      /regions\[|responderId|startedAt|key:/,
    );
  });
});
