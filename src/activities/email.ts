/**
 * Email through nodemailer: SMTP when SLA_SMTP_URL is set, else `.eml` files in an outbox
 * directory. Each message has a Message-ID fixed by its caller (ticket and step), so a retried
 * send is recognisable downstream and the outbox keeps one file per message.
 * SMTP 4xx (and connection trouble) are retried by Temporal; 5xx fails the step, visibly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure, log } from '@temporalio/activity';
import nodemailer, { type Transporter } from 'nodemailer';
import { countDelivery, countStep } from '../metrics/deliveries';
import type { LoadedPolicy } from '../policy/load';
import { PRIVATE_DIR, PRIVATE_FILE, privateDir } from '../private-files';

export interface EmailMessage {
  /** "<local@domain>", the same on every attempt. */
  messageId: string;
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: EmailMessage & { from: string }): Promise<void>;
}

/** Mail over SMTP (smtp://user:pass@host:port, smtps://…). */
export function smtpMailer(url: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(url);
  return {
    async send(m) {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
      });
    },
  };
}

/**
 * Mail as .eml files in a directory, one per Message-ID (a retry rewrites the same file). The
 * directory is the engine's: 0700, tightened when the worker starts; each file 0600.
 */
export function outboxMailer(dir: string): Mailer {
  privateDir(dir);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
      });
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR }); // removed while running
      const name = m.messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_');
      await writeFile(join(dir, `${name}.eml`), info.message as Buffer, { mode: PRIVATE_FILE });
    },
  };
}

export interface EmailDeps {
  mailer: Mailer;
  from: string;
  /** The policy the worker judges by: which escalation step an email is (for the metrics). */
  policy?: () => LoadedPolicy;
}

/**
 * The ticket step an email is for, from what the ticket workflow gives it: the step's id at the
 * end of the Message-ID ("<workflowId.stepId@sla-engine>") and the level in the subject's
 * "[SLA L1]". Only counted for a ticket workflow's activity (countStep checks).
 */
function stepOfEmail(message: EmailMessage): { level: string | undefined; stepId: string | undefined } {
  return {
    stepId: /\.([a-z0-9][a-z0-9-]*)@sla-engine>$/.exec(message.messageId)?.[1],
    level: /^\[SLA (L\d)\]/.exec(message.subject)?.[1],
  };
}

function smtpCode(err: unknown): number | undefined {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' ? code : undefined;
}

/** An email's sending and the counting of the ticket step it stands for, apart. */
export function emailSender(deps: EmailDeps) {
  return {
    /** The ticket step this email fires, counted where it stands for it (src/metrics/deliveries.ts). */
    count(message: EmailMessage): void {
      if (deps.policy) countStep(deps.policy(), { channel: 'email', ...stepOfEmail(message) });
    },
    async send(message: EmailMessage): Promise<{ messageId: string; recipients: number }> {
      try {
        await countDelivery('email', () => deps.mailer.send({ ...message, from: deps.from }));
      } catch (err) {
        const code = smtpCode(err);
        if (code !== undefined && code >= 500) {
          // A permanent refusal: retrying cannot help, and the step must show it.
          throw ApplicationFailure.nonRetryable(`SMTP ${code}: ${(err as Error).message}`, 'SmtpRejected');
        }
        log.warn('email not sent yet; will retry', { messageId: message.messageId, smtpCode: code });
        throw err;
      }
      // Log the id and the count only: addresses are personal data.
      log.info('email sent', { messageId: message.messageId, recipients: message.to.length });
      return { messageId: message.messageId, recipients: message.to.length };
    },
  };
}

export function createEmailActivities(deps: EmailDeps) {
  const email = emailSender(deps);
  return {
    async sendEmail(message: EmailMessage): Promise<{ messageId: string; recipients: number }> {
      email.count(message);
      return email.send(message);
    },
  };
}
