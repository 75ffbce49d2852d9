/**
 * A real HTTP receiver speaking the PagerDuty Events API v2 (POST /v2/enqueue → 202), recording
 * every event, and able to answer errors for the next N events.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; severity: string; source: string; custom_details: Record<string, unknown> };
}

export class TestPager {
  readonly events: ReceivedEvent[] = [];
  /**
   * Incidents as PagerDuty keeps them: a trigger opens one per dedup key, and a trigger for a key
   * already open is folded into it (no new page); `pages` counts the pages people received.
   */
  readonly incidents = new Map<string, { open: boolean; pages: number }>();
  private failNext: { count: number; status: number } = { count: 0, status: 503 };
  private holdNext = 0;
  /** Requests received and held unanswered (a provider that hangs). */
  held = 0;
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v2/enqueue') {
          res.writeHead(404).end();
          return;
        }
        if (this.failNext.count > 0) {
          this.failNext.count--;
          res
            .writeHead(this.failNext.status, { 'content-type': 'application/json' })
            .end('{"status":"unavailable"}');
          return;
        }
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent;
        this.events.push(event);
        const incident = this.incidents.get(event.dedup_key);
        if (event.event_action === 'trigger' && !incident?.open) {
          this.incidents.set(event.dedup_key, { open: true, pages: (incident?.pages ?? 0) + 1 });
        }
        if (event.event_action === 'resolve' && incident) incident.open = false;
        if (this.holdNext > 0) {
          this.holdNext--;
          this.held++;
          return; // never answered: the sender times out, or dies waiting
        }
        res
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'success', dedup_key: event.dedup_key }));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2/enqueue`;
    return this.url;
  }

  hold(count: number): void {
    this.holdNext = count;
  }

  /** Pages people received for a dedup key (a folded duplicate trigger is not a page). */
  pages(dedupKey: string): number {
    return this.incidents.get(dedupKey)?.pages ?? 0;
  }

  fail(count: number, status: number): void {
    this.failNext = { count, status };
  }

  triggers(): ReceivedEvent[] {
    return this.events.filter((e) => e.event_action === 'trigger');
  }

  /** Keys the receiver saw triggered more than once: a duplicate page. */
  duplicateTriggers(): string[] {
    const seen = new Map<string, number>();
    for (const e of this.triggers()) seen.set(e.dedup_key, (seen.get(e.dedup_key) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
