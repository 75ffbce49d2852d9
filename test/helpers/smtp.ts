/**
 * A real SMTP server (smtp-server) on loopback that parses every message it accepts (mailparser),
 * and can refuse the next N messages with a given reply code, to drill retries.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Messages refused so far, by reply code. */
  readonly refused: number[] = [];
  private refuseNext: { count: number; code: number } = { count: 0, code: 451 };
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.refuseNext.count > 0) {
            this.refuseNext.count--;
            this.refused.push(this.refuseNext.code);
            const err = Object.assign(
              new Error(this.refuseNext.code >= 500 ? 'mailbox unavailable' : 'try again later'),
              { responseCode: this.refuseNext.code },
            );
            callback(err);
            return;
          }
          simpleParser(Buffer.concat(chunks))
            .then((mail) => {
              const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) =>
                a.value.map((v) => v.address ?? ''),
              );
              this.received.push({
                messageId: mail.messageId ?? '',
                from: mail.from?.text ?? '',
                to,
                subject: mail.subject ?? '',
                text: mail.text ?? '',
              });
              callback();
            })
            .catch((err: Error) => callback(err));
        });
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  refuse(count: number, code: number): void {
    this.refuseNext = { count, code };
  }

  byMessageId(messageId: string): ReceivedMail[] {
    return this.received.filter((m) => m.messageId === messageId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
