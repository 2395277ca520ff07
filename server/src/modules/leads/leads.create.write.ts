import { sql } from 'kysely';
import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { enqueueMany } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { type Channel, type RoutingDecision, slaJob } from '../assignment/index.ts';

import { diff } from '../audit/index.ts';
import { flagJob } from '../duplicates/index.ts';
import type { HistoryDates } from './leads.create.history.ts';
import type { NewLeadColumns } from './leads.create.ts';
import { leadSnapshot } from './leads.dto.ts';
import {
  insertNewLeads,
  LEAD_INSERT_COLUMNS,
  type LeadInsertRow,
  type NewLeadRows,
} from './leads.insert.repository.ts';
import type { LeadRow } from './leads.repository.ts';

/** A lead about to be written: its columns, its owner and why, and its review job when it matches others. */
export interface NewLead {
  /** The item's position in the caller's batch. */
  index: number;
  id: string;
  values: NewLeadColumns;
  decision: RoutingDecision;
  /** The assignment's author: null when the rules decided. */
  byUserId: string | null;
  flag: Static<typeof flagJob.payload> | null;
  /** When it was created and reached its stage, when it brings history; null: now. */
  history: HistoryDates | null;
}

/**
 * Writes new leads and every row they bring in one statement per table, under a savepoint. When the
 * database refuses the batch (a row breaking a constraint the checks did not foresee), it writes them again one
 * by one, each under its own savepoint, so only the offending ones fail. Returns those failures by item index.
 */
export async function writeNewLeads(
  trx: Tx,
  ctx: RequestContext,
  channel: Channel,
  leads: NewLead[],
  now: Date,
): Promise<Map<number, unknown>> {
  const failures = new Map<number, unknown>();
  if (leads.length === 0) return failures;
  const write = async (some: NewLead[]) => {
    const { rows, sla, flags } = newLeadRows(ctx, channel, some, now);
    await insertNewLeads(trx, rows);
    await enqueueMany(trx, slaJob, sla, now);
    await enqueueMany(trx, flagJob, flags, now);
  };
  await sql`SAVEPOINT lead_batch`.execute(trx);
  try {
    await write(leads);
    await sql`RELEASE SAVEPOINT lead_batch`.execute(trx);
    return failures;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT lead_batch`.execute(trx);
    if (leads.length === 1) {
      failures.set((leads[0] as NewLead).index, error);
      return failures;
    }
  }
  for (const lead of leads) {
    await sql`SAVEPOINT lead_one`.execute(trx);
    try {
      await write([lead]);
      await sql`RELEASE SAVEPOINT lead_one`.execute(trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT lead_one`.execute(trx);
      failures.set(lead.index, error);
    }
  }
  return failures;
}

/** Every column of a new lead, unset: what a lead's own columns do not name is NULL, as its audit entry says. */
const UNSET: LeadInsertRow = Object.fromEntries(LEAD_INSERT_COLUMNS.map(([column]) => [column, null]));

/**
 * The rows of the chosen leads (each lead, its stage history, its assignment, its audit entry) and their jobs. A
 * lead with history is created at its created date, its assignment made then, and its history holds the move
 * into its stage at its stage date; it starts no response SLA (that moment is past). The audit entry is now.
 */
function newLeadRows(ctx: RequestContext, channel: Channel, leads: NewLead[], now: Date) {
  const at = now.toISOString();
  const companyId = ctx.actor.companyId;
  const rows: NewLeadRows = { leads: [], stageHistory: [], assignments: [], audit: [] };
  const sla: { payload: { leadId: string; assignmentId: string }; runAt: Date }[] = [];
  const flags: { payload: { leadId: string; notifyOwner: boolean }; runAt: Date }[] = [];
  for (const { id, values: v, decision, byUserId, flag, history } of leads) {
    const createdAt = history?.createdAt ?? at;
    const stageAt = history?.stageAt ?? at;
    const lead: LeadInsertRow = {
      ...UNSET,
      ...v,
      company_id: companyId,
      id,
      emails: v.emails ?? [],
      phones: v.phones ?? [],
      tags: v.tags ?? [],
      owner_id: decision.ownerId,
      warrior_ids: v.warrior_ids ?? [],
      co_sales_ids: v.co_sales_ids ?? [],
      partner_id: v.partner_id ?? null,
      custom_fields: v.custom_fields ?? {},
      created_by: ctx.actor.userId,
      created_via: channel,
      created_at: createdAt,
      updated_at: at,
      stage_changed_at: stageAt,
      last_touched_at: stageAt,
    };
    rows.leads.push(lead);
    const entry = history?.entryStage ?? v.stage;
    rows.stageHistory.push({
      company_id: companyId,
      id: newId(),
      lead_id: id,
      to_stage: entry,
      by_user_id: ctx.actor.userId,
      at: createdAt,
    });
    if (entry !== v.stage) {
      rows.stageHistory.push({
        company_id: companyId,
        id: newId(),
        lead_id: id,
        from_stage: entry,
        to_stage: v.stage,
        by_user_id: ctx.actor.userId,
        at: stageAt,
        seconds_in_previous: Math.round((Date.parse(stageAt) - Date.parse(createdAt)) / 1000),
      });
    }
    const assignmentId = newId();
    const slaDue =
      decision.ownerId && decision.slaMinutes && !history
        ? new Date(now.getTime() + decision.slaMinutes * 60_000)
        : null;
    rows.assignments.push({
      company_id: companyId,
      id: assignmentId,
      lead_id: id,
      at: createdAt,
      by_user_id: byUserId,
      channel,
      reason: decision.reason,
      rule_id: decision.ruleId,
      rule_name: decision.ruleName,
      strategy: decision.strategy,
      owner_id: decision.ownerId,
      previous_owner_id: null,
      sla_due_at: slaDue?.toISOString() ?? null,
      candidates: decision.candidates,
      detail: decision.detail,
    });
    rows.audit.push({
      company_id: companyId,
      id: newId(),
      actor_user_id: ctx.actor.userId,
      actor_api_key_id: ctx.actor.apiKeyId,
      action: 'lead.created',
      entity_type: 'lead',
      entity_id: id,
      changes: diff(null, leadSnapshot(lead as unknown as LeadRow)),
      request_id: ctx.requestId,
      ip: ctx.ip,
      at,
    });
    if (slaDue) sla.push({ payload: { leadId: id, assignmentId }, runAt: slaDue });
    if (flag) flags.push({ payload: flag, runAt: now });
  }
  return { rows, sla, flags };
}
