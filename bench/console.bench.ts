/**
 * The web console's queue (docs/console.md): time to first contentful paint of /console/queue in
 * Debian's headless Chromium with N open tickets, beside the listing `sla ticket list --open`
 * makes for the same data (TicketClient.listTickets in this process, without the CLI's own
 * process start). Both read at most 1,000 tickets (the listing's limit), soonest due first.
 * The engine runs on the dev server with its worker and the API in this process.
 * BENCH_CONSOLE_TICKETS=10000 sets N (default 1000: opening 10,000 ticket workflows takes
 * minutes on a shared 2-core machine); BENCH_ROUNDS=5 the page loads and listings measured.
 */
import { launchChromium } from '../test/helpers/browser';
import { ROLE_TOKENS, startEngineApi } from '../test/helpers/api';
import { newTicket } from '../test/helpers/tickets';
import { waitFor } from '../test/helpers/wait';
import { WIDTH, percentile, pool, sortNum, type BenchResult } from './util';

const fmt = (x: number) => x.toFixed(0);

const N = Number(process.env.BENCH_CONSOLE_TICKETS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LISTED = Math.min(N, 1000);

export async function consoleBench(): Promise<BenchResult[]> {
  const { e, api, stop } = await startEngineApi();
  const browser = await launchChromium();
  try {
    const seconds = await pool(N, WIDTH, async (i) => {
      const r = await api.call('agent', 'POST', '/v1/tickets', newTicket(`T-BENCH-${i}`, { level: 'L2' }));
      if (r.status !== 201) throw new Error(`opening ticket ${i}: ${r.status} ${r.text}`);
    });
    console.log(`console: ${N} tickets opened in ${fmt(seconds)} s`);
    const sla = e.client;
    // Measured once every ticket's clock is set (its due time in visibility): the worker is quiet.
    await waitFor(
      async () => {
        const listed = await sla.listTickets({ open: true, limit: LISTED });
        return listed.length === LISTED && listed.every((t) => t.due !== null);
      },
      `${LISTED} tickets with their due time in visibility`,
      600_000,
    );

    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${api.base}/console/signin`);
    await page.type('#token', ROLE_TOKENS.agent);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const paints: number[] = [];
    const loads: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const started = performance.now();
      await page.goto(`${api.base}/console/queue`, { waitUntil: 'load' });
      const loaded = performance.now() - started;
      await page.waitForFunction(`performance.getEntriesByName('first-contentful-paint').length > 0`);
      const fcp = await page.evaluate(`performance.getEntriesByName('first-contentful-paint')[0].startTime`);
      const rows = (await page.evaluate(`document.querySelectorAll('#live tbody tr').length`)) as number;
      if (rows !== LISTED) throw new Error(`the queue shows ${rows} rows, expected ${LISTED}`);
      if (r === 0) continue; // warm-up
      paints.push(fcp as number);
      loads.push(loaded);
    }
    const lists: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const started = performance.now();
      const listed = await sla.listTickets({ open: true, limit: LISTED });
      if (listed.length !== LISTED) throw new Error(`listed ${listed.length}`);
      if (r > 0) lists.push(performance.now() - started);
    }
    const p50 = (xs: number[]) => percentile(sortNum(xs), 50);
    console.log(
      `console: queue of ${LISTED} rows (${N} open): first paint p50 ${fmt(p50(paints))} ms, load p50 ${fmt(p50(loads))} ms; ` +
        `sla ticket list's listing p50 ${fmt(p50(lists))} ms`,
    );
    return [
      { name: `console queue first paint, ${N} open (ms)`, opsPerSecond: p50(paints), unit: 'ms' },
      { name: `console queue load, ${N} open (ms)`, opsPerSecond: p50(loads), unit: 'ms' },
      { name: `sla ticket list listing, ${N} open (ms)`, opsPerSecond: p50(lists), unit: 'ms' },
    ];
  } finally {
    await browser.close();
    await stop();
  }
}
