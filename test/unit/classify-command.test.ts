// `sla classify` (C10, I11) as a user runs it, in process and without a server: the JSON answer
// (level, rule, the policy's phrase), the readable line, the default level, and a bad flag named.
// SlaClient.classify, which POST /v1/classify calls, answers the same and names a bad field.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlaClient } from '../../src/client';
import { run } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { InvalidInputError } from '../../src/errors';

async function sla(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const code = await run(['node', 'sla', 'classify', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('sla classify', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers the level, the rule and the phrase as JSON', async () => {
    const out = await sla('--subject', 'Comment puis-je désactiver les webhooks ?', '--json');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ level: 'L3', ruleId: 'l3-api', phrase: 'webhook' });
    const body = await sla(
      '--subject',
      'Agreement',
      '--body',
      'Our lawyers ask you to sign a data-sharing agreement before we upload member records',
      '--json',
    );
    expect(JSON.parse(body.stdout)).toEqual({
      level: 'L3',
      ruleId: 'l3-data-protection',
      phrase: 'data sharing',
    });
  });

  it('prints a readable line, and says when the default level decided', async () => {
    expect((await sla('--subject', 'Est-ce que je peux dupliquer un événement ?')).stdout).toBe(
      'L1: rule l1-can-i, phrase "je peux"\n',
    );
    expect((await sla('--subject', 'Thanks for yesterday')).stdout).toBe(
      "L2: no rule matched, the policy's default level\n",
    );
  });

  it('refuses a bad input naming the flag (exit 2), with the limits a ticket opening has', async () => {
    expect(await sla('--subject', '', '--json')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^sla: --subject: /),
    });
    expect(await sla('--subject', 's', '--body', 'x'.repeat(100_001))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^sla: --body: /),
    });
  });
});

describe('SlaClient.classify', () => {
  const sla = new SlaClient(loadConfig({}));

  it('answers as the command does, without contacting anything', () => {
    expect(sla.classify({ subject: 'Do your APIs support pagination?', body: '' })).toEqual({
      level: 'L3',
      ruleId: 'l3-api',
      phrase: 'api',
    });
  });

  it('refuses a bad field naming it', () => {
    const refusal = (input: unknown) => {
      try {
        sla.classify(input);
      } catch (err) {
        return err instanceof InvalidInputError ? err.issues.map((i) => i.path) : err;
      }
      return 'accepted';
    };
    expect(refusal({ subject: 'Where is it?', body: 7 })).toEqual(['body']);
    expect(refusal({ subject: 7, body: '' })).toEqual(['subject']);
    // A preview may give the subject alone.
    expect(refusal({ subject: 'Where is it?' })).toBe('accepted');
  });
});
