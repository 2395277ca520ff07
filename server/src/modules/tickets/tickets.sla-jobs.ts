import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { notify } from '../notifications/index.ts';
import { referenceOf } from './tickets.dto.ts';
import { type SlaPayload, slaJob } from './tickets.jobs.ts';
import * as repo from './tickets.repository.ts';
import { type SlaClockName, type SlaStage, warnTime } from './tickets.sla.ts';

export interface SlaState {
  id: string;
  status: string;
  created_at: Date | string;
  first_response_due_at: Date | string;
  resolution_due_at: Date | string;
  first_responded_at: Date | string | null;
  solved_at: Date | string | null;
  first_response_warned_at: Date | string | null;
  first_response_breached_at: Date | string | null;
  resolution_warned_at: Date | string | null;
  resolution_breached_at: Date | string | null;
}

const at = (value: Date | string) => new Date(value);

/** Whether a clock still runs: the first response until the first public reply, the resolution until the solve. */
export function running(ticket: SlaState, clock: SlaClockName): boolean {
  if (clock === 'first_response') return ticket.first_responded_at === null && ticket.solved_at === null;
  return ticket.solved_at === null && ticket.status !== 'solved' && ticket.status !== 'closed';
}

function dueOf(ticket: SlaState, clock: SlaClockName): Date {
  return at(clock === 'first_response' ? ticket.first_response_due_at : ticket.resolution_due_at);
}

function stampOf(ticket: SlaState, clock: SlaClockName, stage: SlaStage) {
  if (clock === 'first_response') {
    return stage === 'warn' ? ticket.first_response_warned_at : ticket.first_response_breached_at;
  }
  return stage === 'warn' ? ticket.resolution_warned_at : ticket.resolution_breached_at;
}

/**
 * Enqueues, in the caller's transaction, the warning and breach jobs of every clock that still runs and has not
 * given them yet. Each job carries its due time and checks the ticket again when it runs, so calling this again
 * (a priority change, a reopen) never needs to find and remove the earlier jobs, and nothing is said twice.
 */
export async function scheduleSla(trx: Tx, ticket: SlaState, now: Date): Promise<void> {
  for (const clock of ['first_response', 'resolution'] as const) {
    if (!running(ticket, clock)) continue;
    const due = dueOf(ticket, clock);
    const times: Record<SlaStage, Date> = { warn: warnTime(at(ticket.created_at), due), breach: due };
    for (const stage of ['warn', 'breach'] as const) {
      if (stampOf(ticket, clock, stage) !== null) continue;
      const runAt = new Date(Math.max(now.getTime(), times[stage].getTime()));
      await enqueue(trx, slaJob, { ticketId: ticket.id, clock, stage, dueAt: due.toISOString() }, { runAt, now });
    }
  }
}

const clockLabel: Record<SlaClockName, string> = { first_response: 'first response', resolution: 'resolution' };

/**
 * One warning or breach: given when the ticket still runs that clock, still has the due time the job was
 * planned for, and has not given it yet; stamped in the same transaction, so each is said once. The assignee
 * and its manager are told; an unassigned ticket is stamped and shown as breached, but tells nobody.
 */
export async function checkSla(trx: Tx, deps: Deps, job: Job<Static<typeof SlaPayload>>): Promise<void> {
  const { ticketId, clock, stage, dueAt } = job.payload;
  const ticket = await repo.findTicket(trx, ticketId, repo.anyTicket, { lock: true });
  if (!ticket || !running(ticket, clock) || stampOf(ticket, clock, stage) !== null) return;
  const due = dueOf(ticket, clock);
  if (due.getTime() !== Date.parse(dueAt)) return;
  const now = deps.clock.now();
  const column = `${clock}_${stage === 'warn' ? 'warned' : 'breached'}_at` as const;
  await trx
    .updateTable('tickets')
    .set({ [column]: now })
    .where('id', '=', ticket.id)
    .execute();
  if (!ticket.assignee_id) return;
  const reference = referenceOf(ticket.number);
  const what = clockLabel[clock];
  const title =
    stage === 'warn'
      ? `SLA ${what} due soon: ${reference} ${ticket.subject}`
      : `SLA ${what} breached: ${reference} ${ticket.subject}`;
  const assignee = await repo.activeUser(trx, ticket.assignee_id);
  const recipients = new Set<string>();
  if (assignee?.active) recipients.add(assignee.id);
  if (assignee?.manager_id) {
    const manager = await repo.activeUser(trx, assignee.manager_id);
    if (manager?.active) recipients.add(manager.id);
  }
  for (const userId of recipients) {
    await notify(trx, {
      companyId: job.companyId,
      userId,
      kind: stage === 'warn' ? 'ticket.sla_warning' : 'ticket.sla_breach',
      title,
      body: userId === assignee?.id ? null : `Assigned to ${assignee?.name ?? ''}`,
      leadId: ticket.lead_id,
      at: due,
      now,
    });
  }
}
