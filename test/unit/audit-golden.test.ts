// Every golden history's timeline (C12, C14) as the audit CLI prints it and as the API answers it
// (its JSON), against the fixtures in test/fixtures/audit-timelines/: a change to how a history is
// read that changes what an auditor sees fails here. Each run alone (`--run-id`), and each
// continue-as-new chain (`<name>.json`, `<name>-run2.json`, …) as one timeline.
// To record after an intended change of the output: `npx vitest run test/unit/audit-golden.test.ts -u`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderChain, timelineOf } from '../../src/audit';
import { parseHistoryJson } from '../../src/audit/history';
import { formatTimeline } from '../../src/cli/audit';
import { AesGcmCodec } from '../../src/codec';
import { testKeys } from '../helpers/codec';
import { HISTORIES_DIR } from '../helpers/histories';

const codecs = [new AesGcmCodec(testKeys())];
const FIXTURES = join(__dirname, '..', 'fixtures', 'audit-timelines');
/** A zone for histories that record none (the CLI passes the current policy's). */
const FALLBACK_ZONE = 'America/Toronto';

const names = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
const read = (name: string) => parseHistoryJson(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8'));
const chains = names
  .filter((n) => !/-run\d+$/.test(n) && names.includes(`${n}-run2`))
  .map((n) => ({ name: n, runs: names.filter((m) => m === n || new RegExp(`^${n}-run\\d+$`).test(m)) }));

/** The text and the JSON, or the error the CLI and the API would report (a forged payload fails the decode). */
async function rendered(history: Parameters<typeof timelineOf>[0], workflowId: string): Promise<string> {
  const t = await timelineOf(history, codecs, workflowId).catch((err: Error) => err);
  if (t instanceof Error) return `${t.name}: ${t.message}\n`;
  return `${formatTimeline(t, FALLBACK_ZONE)}\n${JSON.stringify(t, null, 2)}\n`;
}

describe('audit timelines of the golden histories', () => {
  it.each(names)('%s', async (name) => {
    await expect(await rendered(read(name), name)).toMatchFileSnapshot(join(FIXTURES, `${name}.txt`));
  });

  it.each(chains)('$name (the whole chain)', async ({ name, runs }) => {
    expect(runs.length).toBeGreaterThan(1);
    const chain = orderChain(runs.map(read));
    await expect(await rendered(chain, name)).toMatchFileSnapshot(join(FIXTURES, `${name}.chain.txt`));
  });
});
