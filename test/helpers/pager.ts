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
  private failNext: { count: number; status: number } = { count: 0, status: 503 };
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
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
