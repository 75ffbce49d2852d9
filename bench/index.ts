/**
 * `npm run bench [-- part …]`: the speed targets of the issues, measured side by side in one run
 * and printed with their ratios. Parts: calendar, uptime, tickets (needs `npm run build` for its worker
 * process), ledger (PGlite and a local PostgreSQL cluster: scripts/provision-postgres.sh), outages
 * (the dev server), replay (1,000 ticket histories, codec on), billing (a month close for 10,000
 * customers on the dev server).
 */
import { billingBench } from './billing.bench';
import { calendarBench } from './calendar.bench';
import { ledgerBench } from './ledger.bench';
import { replayBench } from './replay.bench';
import { ticketsBench } from './tickets.bench';
import { uptimeBench } from './uptime.bench';
import { outagesBench } from './outages.bench';
import { formatRate, type BenchResult } from './util';

const parts: Record<string, () => Promise<BenchResult[]>> = {
  calendar: calendarBench,
  uptime: uptimeBench,
  tickets: ticketsBench,
  ledger: ledgerBench,
  outages: outagesBench,
  replay: replayBench,
  billing: billingBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !(w in parts));
  if (unknown.length) {
    console.error(`unknown bench part(s): ${unknown.join(', ')}; known: ${Object.keys(parts).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const results: BenchResult[] = [];
  for (const name of wanted.length ? wanted : Object.keys(parts)) results.push(...(await parts[name]!()));
  console.log('\nsummary');
  for (const r of results) {
    const value =
      r.unit === '×'
        ? `${r.opsPerSecond.toFixed(0)}×`
        : r.unit === 'ratio'
          ? r.opsPerSecond.toFixed(2)
          : r.unit
            ? `${Math.round(r.opsPerSecond)} ${r.unit}`
            : `${formatRate(r.opsPerSecond)}/s`;
    const verdict = r.target ? `  target ${r.target}: ${r.met ? 'met' : 'NOT met'}` : '';
    console.log(`  ${r.name.padEnd(52)} ${value.padStart(14)}${verdict}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
