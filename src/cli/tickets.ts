/**
 * `sla ticket …` and `sla session …`: support tickets (C6–C8, C10–C13; I5, I6, I11, I13) and
 * support sessions (C13, I12) through the one client, `SlaClient`. Every input is checked by the schemas the
 * workflows validate with before anything is contacted (exit 2, the flag named); an unknown
 * ticket or session exits 3, Temporal unreachable 4, a message the ticket refuses 1.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { LEVELS } from '../model/level';
import { CHANNELS, SLA_STATES } from '../model/ticket';
import { loadPolicy } from '../policy/load';
import type { TicketListItem } from '../clients/tickets';
import type { SessionStatus } from '../messages/session';
import type { TicketStatus } from '../messages/ticket';
import { parseOptions, printJson, printTable, UsageError } from './io';
import { inFlags, requestIdOf, withSla } from './sla';

const Json = { json: z.boolean().optional() };
const RequestId = { requestId: z.string().optional() };

/** The schema's fields as the flags (or arguments) that set them. */
const FLAGS: Record<string, string> = {
  ticketId: '<ticket-id>',
  sessionId: '<session-id>',
  customerId: 'customer',
  'requester.name': 'requester-name',
  'requester.email': 'requester-email',
  requester: 'requester-email',
  needsDataAccess: 'needs-data-access',
  openedAt: 'opened-at',
  responderId: 'responder',
  requestId: 'request-id',
  dueBefore: 'due-before',
  assigneeId: 'assignee',
};

let policyZone: string | undefined;
/** Wall-clock times in the policy's zone (I1), as agents read them. */
const zone = () => (policyZone ??= loadPolicy().policy.timeZone);
const local = (iso: string | null) =>
  iso ? DateTime.fromISO(iso, { zone: zone() }).toFormat('ccc yyyy-LL-dd HH:mm ZZZZ') : '—';

/** The JSON of --from-file: a path, or `-` for standard input. */
function readTicketFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`--from-file: cannot read ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--from-file: not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('--from-file: expected one JSON object (the ticket)');
  return value as Record<string, unknown>;
}

const OpenOptions = z.object({
  fromFile: z.string().optional(),
  id: z.string().optional(),
  customer: z.string().optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
  requesterName: z.string().optional(),
  requesterEmail: z.string().optional(),
  channel: z.string().optional(),
  needsDataAccess: z.boolean().optional(),
  level: z.string().optional(),
  openedAt: z.string().optional(),
  ...Json,
});

/** The file's ticket with the flags on top: a flag given wins over the file's field. */
function ticketInput(o: z.infer<typeof OpenOptions>): Record<string, unknown> {
  const base = o.fromFile ? readTicketFile(o.fromFile) : {};
  const baseRequester = typeof base.requester === 'object' && base.requester !== null ? base.requester : {};
  const set = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  const requester = {
    ...baseRequester,
    ...set('name', o.requesterName),
    ...set('email', o.requesterEmail),
  };
  return {
    ...base,
    ...set('ticketId', o.id),
    ...set('customerId', o.customer),
    ...set('subject', o.subject),
    ...set('body', o.body),
    ...set('channel', o.channel),
    ...set('level', o.level),
    ...set('openedAt', o.openedAt),
    ...(Object.keys(requester).length ? { requester } : {}),
    // Without the flag or the file's field, the ticket does not need the customer's data (C12).
    needsDataAccess: o.needsDataAccess ?? base.needsDataAccess ?? false,
  };
}

function printTicket(s: TicketStatus): void {
  const lines = [
    `ticket ${s.ticketId}  ${s.status}, SLA ${s.state}  (customer ${s.customerId}, ${s.channel})`,
    `  level       ${s.level} by rule ${s.ruleId}${s.reclassifications.length ? ` (reclassified ${s.reclassifications.length}×)` : ''}`,
    `  opened      ${local(s.openedAt)}`,
    `  clock from  ${local(s.clockStart)}`,
    `  due         ${local(s.due)}  (${s.due})${s.state === 'suspended' ? '  not counted: SLA suspended' : ''}`,
    `  assignee    ${s.assigneeId ?? '—'}${s.canadaOnly ? '  (Canada-based staff only, I13)' : ''}`,
  ];
  if (s.state === 'held' && s.heldUntil)
    lines.push(
      `  held        for a Canada-based ${s.level} responder on duty (I13), until ${local(s.heldUntil)}`,
    );
  if (s.suspendedReason) lines.push(`  suspended   ${s.suspendedReason}`);
  if (s.firstResponse)
    lines.push(
      `  responded   ${local(s.firstResponse.at)} by ${s.firstResponse.by}: ${s.firstResponse.coverageMinutes} coverage min, ${s.firstResponse.met ? 'met' : 'breached'}`,
    );
  lines.push(`  policy      ${s.policyVersion}`, '  plan:');
  const fired = new Map(s.stepsFired.map((f) => [f.id, f]));
  for (const p of s.plan) {
    const f = fired.get(p.id);
    lines.push(
      `    ${local(p.fireAt)}  ${p.id.padEnd(20)} ${p.kind.padEnd(8)} → ${p.audience} (${p.channels.join('+')})` +
        (f ? `  fired ${local(f.at)}${f.deliveries.some((d) => !d.ok) ? ', a delivery FAILED' : ''}` : ''),
    );
  }
  for (const f of s.stepsFired.filter((x) => !s.plan.some((p) => p.id === x.id)))
    lines.push(`    ${local(f.at)}  ${f.id.padEnd(20)} ${f.kind.padEnd(8)} ${f.reason}`);
  for (const r of s.reclassifications)
    lines.push(`  reclassified ${local(r.at)} ${r.from} → ${r.to} by ${r.by}: ${r.reason}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printSession(s: SessionStatus): void {
  const lines = [
    `session ${s.sessionId}  ${s.endedAt ? 'ended' : 'running'}  (${s.channel}, ${s.responderId})`,
    `  started     ${local(s.startedAt)}`,
    `  limit       ${s.limitMinutes === null ? 'off (policy)' : `${s.limitMinutes} min`}${s.overLimit ? ', reached' : ''}`,
    ...(s.endedAt ? [`  ended       ${local(s.endedAt)}`] : []),
    ...s.notices.map((n) => `  notice      ${n.kind} at ${local(n.at)}`),
    `  policy      ${s.policyVersion}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One ticket message: `sla ticket <verb> <id> …`, sent as an idempotent update. */
function message(
  cmd: Command,
  spec: {
    name: string;
    description: string;
    options: (c: Command) => Command;
    schema: z.ZodObject;
    example: string;
    send: (
      sla: import('../client').SlaClient,
      id: string,
      o: Record<string, unknown>,
      requestId: string,
    ) => Promise<unknown>;
    say: (id: string, answer: never) => string;
  },
): void {
  spec
    .options(cmd.command(spec.name).description(spec.description).argument('<ticket-id>', 'the ticket'))
    .option('--request-id <id>', 'idempotency key: the same key is applied once')
    .option('--json', 'print JSON')
    .addHelpText('after', `\nExample:\n  ${spec.example}`)
    .action(async (id: string, raw: unknown) => {
      const o = parseOptions(spec.schema.extend({ ...RequestId, ...Json }), raw) as Record<
        string,
        unknown
      > & { requestId?: string; json?: boolean };
      const answer = await inFlags(FLAGS, () =>
        withSla((sla) => spec.send(sla, id, o, requestIdOf(o.requestId))),
      );
      if (o.json) return printJson(answer);
      process.stdout.write(`${spec.say(id, answer as never)}\n`);
    });
}

const at = (o: Record<string, unknown>) => (o.at ? { at: o.at } : {});

export function ticketCommand(): Command {
  const cmd = new Command('ticket').description(
    'Support tickets: open, watch the response clock, assign, respond, resolve (C6–C8, C10–C13)',
  );

  cmd
    .command('open')
    .description('Open a ticket: it is classified (C10) and its response clock starts (I5, I6)')
    .option('--from-file <path>', 'the ticket as a JSON object (`-` reads standard input); flags override')
    .option('--id <ticketId>', "the helpdesk's ticket id")
    .option('--customer <customerId>', 'the customer')
    .option('--subject <text>', 'subject line')
    .option('--body <text>', 'the question (used only to classify; never logged)')
    .option('--requester-name <name>', 'who asks')
    .option('--requester-email <email>', 'their email')
    .addOption(new Option('--channel <channel>', 'where it came in (C11)').choices(CHANNELS))
    .option('--needs-data-access', "answering needs access to the customer's data (C12, I13)")
    .addOption(new Option('--level <level>', "an agent's level, bypassing classification").choices(LEVELS))
    .option('--opened-at <instant>', 'when the customer opened it, ISO-8601 with offset (default: now)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  sla ticket open --id T-1042 --customer acme --channel email --subject "How do I export?" \\\n' +
        '    --body "How do I export my data?" --requester-name "Ada Lovelace" --requester-email ada@acme.example\n' +
        '  helpdesk-export T-1042 | sla ticket open --from-file - --json\n' +
        '\nThe file holds { ticketId, customerId, requester: { name, email }, subject, body, channel,\n' +
        'needsDataAccess, level?, openedAt? }.',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(OpenOptions, raw);
      const input = ticketInput(o);
      const out = await inFlags({ ...FLAGS, ticketId: 'id' }, () =>
        withSla((sla) => sla.tickets.openTicket(input)),
      );
      const ticketId = String(input.ticketId);
      if (o.json) return printJson({ ticketId, ...out });
      process.stdout.write(
        out.created
          ? `opened ticket ${ticketId} (workflow ${out.workflowId}) — see: sla ticket status ${ticketId}\n`
          : `ticket ${ticketId} is already open (workflow ${out.workflowId}); nothing changed\n`,
      );
    });

  cmd
    .command('status')
    .description("A ticket's level and rule, clock, due time, state, plan and the steps fired")
    .argument('<ticket-id>', 'the ticket')
    .option('--json', 'print JSON (every field)')
    .addHelpText('after', '\nExample:\n  sla ticket status T-1042 --json')
    .action(async (id: string, raw: unknown) => {
      const o = parseOptions(z.object(Json), raw);
      const status = await inFlags(FLAGS, () => withSla((sla) => sla.tickets.ticketStatus(id)));
      if (o.json) return printJson(status);
      printTicket(status);
    });

  cmd
    .command('list')
    .description("Tickets from Temporal's visibility store (no worker needed), soonest due first")
    .addOption(new Option('--state <state>', 'only this SLA state').choices(SLA_STATES))
    .option('--customer <customerId>', 'only this customer')
    .addOption(new Option('--level <level>', 'only this level').choices(LEVELS))
    .addOption(new Option('--channel <channel>', 'only this channel (C11)').choices(CHANNELS))
    .option('--assignee <responderId>', 'only tickets assigned to this responder (roster id)')
    .option('--unassigned', 'only tickets assigned to nobody')
    .option('--open', 'only tickets whose workflow still runs')
    .option('--due-before <instant>', 'only tickets due before this instant')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  sla ticket list --state breached\n  sla ticket list --state at-risk --customer acme --json',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(
        z.object({
          state: z.string().optional(),
          customer: z.string().optional(),
          level: z.string().optional(),
          channel: z.string().optional(),
          assignee: z.string().optional(),
          unassigned: z.boolean().optional(),
          open: z.boolean().optional(),
          dueBefore: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000),
          ...Json,
        }),
        raw,
      );
      const items: TicketListItem[] = await inFlags(FLAGS, () =>
        withSla((sla) =>
          sla.tickets.listTickets({
            ...(o.state ? { state: o.state as TicketListItem['state'] & string } : {}),
            ...(o.customer ? { customerId: o.customer } : {}),
            ...(o.level ? { level: o.level as (typeof LEVELS)[number] } : {}),
            ...(o.channel ? { channel: o.channel as (typeof CHANNELS)[number] } : {}),
            ...(o.assignee ? { assigneeId: o.assignee } : {}),
            ...(o.unassigned ? { unassigned: true } : {}),
            ...(o.open ? { open: true } : {}),
            ...(o.dueBefore ? { dueBefore: o.dueBefore } : {}),
            limit: o.limit,
          }),
        ),
      );
      if (o.json) return printJson(items);
      printTable(
        [
          'TICKET',
          'CUSTOMER',
          'LEVEL',
          'STATE',
          'CHANNEL',
          'ASSIGNEE',
          `DUE (${zone()})`,
          'NEXT STEP',
          'WORKFLOW',
        ],
        items.map((t) => [
          t.ticketId,
          t.customerId ?? '-',
          t.level ?? '-',
          t.state ?? '-',
          t.channel ?? '-',
          t.assigneeId ?? '-',
          local(t.due),
          t.nextStepAt ? local(t.nextStepAt) : '-',
          t.status.toLowerCase(),
        ]),
      );
    });

  message(cmd, {
    name: 'assign',
    description: 'Assign the ticket to a responder (checked against the roster and I13)',
    options: (c) => c.requiredOption('--responder <id>', 'the responder (roster id)'),
    schema: z.object({ responder: z.string() }),
    example: 'sla ticket assign T-1042 --responder agent.toronto',
    send: (sla, id, o, requestId) => sla.tickets.assign(id, { requestId, responderId: o.responder }),
    say: (id, a: { assigneeId: string }) => `${id} assigned to ${a.assigneeId}`,
  });
  message(cmd, {
    name: 'respond',
    description: 'Record the first response: stops the clock, records met or breached (I5, I6)',
    options: (c) =>
      c
        .requiredOption('--responder <id>', 'who responded (roster id)')
        .option('--at <instant>', 'when, ISO-8601 with offset (default: now)'),
    schema: z.object({ responder: z.string(), at: z.string().optional() }),
    example: 'sla ticket respond T-1042 --responder agent.toronto',
    send: (sla, id, o, requestId) =>
      sla.tickets.recordFirstResponse(id, { requestId, responderId: o.responder, ...at(o) }),
    say: (id, a: { met: boolean | null; coverageMinutes: number; state: string }) =>
      `${id} first response after ${a.coverageMinutes} coverage min: ${a.met === null ? a.state : a.met ? 'met' : 'breached'}`,
  });
  message(cmd, {
    name: 'reply',
    description: 'Record a later reply from the agent or the customer',
    options: (c) =>
      c
        .addOption(
          new Option('--from <who>', 'who wrote').choices(['agent', 'customer']).makeOptionMandatory(),
        )
        .option('--at <instant>', 'when, ISO-8601 with offset (default: now)'),
    schema: z.object({ from: z.string(), at: z.string().optional() }),
    example: 'sla ticket reply T-1042 --from customer',
    send: (sla, id, o, requestId) => sla.tickets.reply(id, { requestId, from: o.from, ...at(o) }),
    say: (id, a: { replies: number }) => `${id}: ${a.replies} repl${a.replies === 1 ? 'y' : 'ies'} recorded`,
  });
  message(cmd, {
    name: 'resolve',
    description: 'Resolve the ticket; its outcome goes to the ledger once (it may be reopened for 14 days)',
    options: (c) =>
      c
        .requiredOption('--responder <id>', 'who resolved it (roster id)')
        .option('--at <instant>', 'when, ISO-8601 with offset (default: now)'),
    schema: z.object({ responder: z.string(), at: z.string().optional() }),
    example: 'sla ticket resolve T-1042 --responder agent.toronto',
    send: (sla, id, o, requestId) =>
      sla.tickets.resolve(id, { requestId, responderId: o.responder, ...at(o) }),
    say: (id, a: { resolution: number }) => `${id} resolved (resolution ${a.resolution})`,
  });
  message(cmd, {
    name: 'reopen',
    description: 'Reopen a resolved ticket',
    options: (c) => c.requiredOption('--reason <text>', 'why'),
    schema: z.object({ reason: z.string() }),
    example: 'sla ticket reopen T-1042 --reason "the export still fails"',
    send: (sla, id, o, requestId) => sla.tickets.reopen(id, { requestId, reason: o.reason }),
    say: (id) => `${id} reopened`,
  });
  message(cmd, {
    name: 'escalate',
    description: 'Escalate by hand: the team lead and the manager are told at once',
    options: (c) => c.requiredOption('--by <id>', 'who escalates').requiredOption('--reason <text>', 'why'),
    schema: z.object({ by: z.string(), reason: z.string() }),
    example: 'sla ticket escalate T-1042 --by agent.toronto --reason "customer is blocked"',
    send: (sla, id, o, requestId) => sla.tickets.escalate(id, { requestId, by: o.by, reason: o.reason }),
    say: (id, a: { stepId: string }) => `${id} escalated (step ${a.stepId})`,
  });
  message(cmd, {
    name: 'reclassify',
    description: 'Change the level; the clock is recomputed from the original opening (I11)',
    options: (c) =>
      c
        .addOption(new Option('--level <level>', 'the new level').choices(LEVELS).makeOptionMandatory())
        .requiredOption('--by <id>', 'who decides')
        .requiredOption('--reason <text>', 'why'),
    schema: z.object({ level: z.string(), by: z.string(), reason: z.string() }),
    example: 'sla ticket reclassify T-1042 --level L3 --by team.lead --reason "API question"',
    send: (sla, id, o, requestId) =>
      sla.tickets.reclassify(id, { requestId, level: o.level, by: o.by, reason: o.reason }),
    say: (id, a: { level: string; due: string; state: string }) =>
      `${id} is now ${a.level}, due ${local(a.due)} (${a.state})`,
  });
  return cmd;
}

export function sessionCommand(): Command {
  const cmd = new Command('session').description(
    'Support sessions (chat, meeting, phone) and their 15-minute limit (C13, I12)',
  );

  cmd
    .command('start')
    .description('Start a session: a warning before the limit and a wrap-up notice at it')
    .requiredOption('--id <sessionId>', 'the session id')
    .addOption(
      new Option('--channel <channel>', 'the channel')
        .choices(['chat', 'meeting', 'phone'])
        .makeOptionMandatory(),
    )
    .requiredOption('--responder <id>', 'who runs it (roster id)')
    .option('--ticket <ticketId>', 'the ticket it belongs to')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla session start --id S-77 --channel chat --responder agent.toronto --ticket T-1042',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(
        z.object({
          id: z.string(),
          channel: z.string(),
          responder: z.string(),
          ticket: z.string().optional(),
          ...Json,
        }),
        raw,
      );
      const out = await inFlags({ ...FLAGS, sessionId: 'id', ticketId: 'ticket' }, () =>
        withSla((sla) =>
          sla.tickets.openSession({
            sessionId: o.id,
            channel: o.channel,
            responderId: o.responder,
            ...(o.ticket ? { ticketId: o.ticket } : {}),
          }),
        ),
      );
      if (o.json) return printJson({ sessionId: o.id, ...out });
      process.stdout.write(
        out.created
          ? `started session ${o.id} (workflow ${out.workflowId})\n`
          : `session ${o.id} is already running (workflow ${out.workflowId}); nothing changed\n`,
      );
    });

  cmd
    .command('status')
    .description('A session: its limit, the notices sent, whether it ended')
    .argument('<session-id>', 'the session')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla session status S-77')
    .action(async (id: string, raw: unknown) => {
      const o = parseOptions(z.object(Json), raw);
      const status = await inFlags(FLAGS, () => withSla((sla) => sla.tickets.sessionStatus(id)));
      if (o.json) return printJson(status);
      printSession(status);
    });

  cmd
    .command('end')
    .description('End a session (ending it again answers the same end)')
    .argument('<session-id>', 'the session')
    .option('--request-id <id>', 'idempotency key: the same key is applied once')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla session end S-77')
    .action(async (id: string, raw: unknown) => {
      const o = parseOptions(z.object({ ...RequestId, ...Json }), raw);
      const out = await inFlags(FLAGS, () =>
        withSla((sla) => sla.tickets.endSession(id, requestIdOf(o.requestId))),
      );
      if (o.json) return printJson({ sessionId: id, ...out });
      process.stdout.write(`session ${id} ended ${local(out.endedAt)} after ${out.minutes.toFixed(1)} min\n`);
    });
  return cmd;
}
