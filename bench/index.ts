/**
 * `npm run bench [-- part …]`: the speed targets of the issues, measured side by side in one run
 * and printed with their ratios. Parts: calendar, uptime, tickets (needs `npm run build` for its worker
 * process), ledger (PGlite and a local PostgreSQL cluster: scripts/provision-postgres.sh), outages
 * (the dev server), replay (1,000 ticket histories, codec on), billing (a month close for 10,000
 * customers on the dev server), memory (a worker process idle and holding 10,000 and 50,000 open
 * tickets, needs `npm run build`), herd (N tickets breaching at one instant on the dev server and on
 * a cluster), console (the web console's queue painted with N open tickets beside `sla ticket
 * list`'s listing, on the dev server), metrics (CPU per scrape of the worker's /metrics with none and 10,000
 * tickets open).
 */
import { formatRate, type BenchResult } from './util';

// Loaded when picked: some parts install the Temporal runtime (one per process) as they load
// (billing through test/helpers/temporal), which would refuse the others' runtime.
const parts: Record<string, () => Promise<BenchResult[]>> = {
  calendar: async () => (await import('./calendar.bench')).calendarBench(),
  uptime: async () => (await import('./uptime.bench')).uptimeBench(),
  tickets: async () => (await import('./tickets.bench')).ticketsBench(),
  ledger: async () => (await import('./ledger.bench')).ledgerBench(),
  outages: async () => (await import('./outages.bench')).outagesBench(),
  replay: async () => (await import('./replay.bench')).replayBench(),
  billing: async () => (await import('./billing.bench')).billingBench(),
  memory: async () => (await import('./memory.bench')).memoryBench(),
  herd: async () => (await import('./herd.bench')).herdBench(),
  console: async () => (await import('./console.bench')).consoleBench(),
  metrics: async () => (await import('./metrics.bench')).metricsBench(),
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
