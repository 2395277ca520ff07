import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type RoutingDecision, SLA_JOB } from '../assignment/assignment.engine.ts';
import { diff } from '../audit/audit.service.ts';
import { fillFromIncoming } from '../duplicates/duplicates.fill.ts';
import * as leadsRepo from '../leads/leads.repository.ts';

/** A lead to create: its columns, owner decided, and who decided it. */
export interface NewLead {
  index: number;
  id: string;
  columns: leadsRepo.LeadColumns & { name: string; source: string; stage: string };
  decision: RoutingDecision;
  /** The assignment's author: null when the rules decided. */
  byUserId: string | null;
}

type Column = readonly [name: string, type: string];

/**
 * Inserts many rows in one statement: the rows travel as one JSON document and PostgreSQL spreads it into
 * columns (`jsonb_to_recordset`), so 2,000 leads are one parameter and one round trip, not 60,000 parameters.
 */
async function insertMany(trx: Tx, table: string, columns: readonly Column[], rows: Record<string, unknown>[]) {
  if (rows.length === 0) return;
  const names = sql.raw(columns.map(([n]) => n).join(', '));
  const types = sql.raw(columns.map(([n, t]) => `${n} ${t}`).join(', '));
  await sql`INSERT INTO ${sql.table(table)} (${names})
    SELECT ${names} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(${types})`.execute(trx);
}

const leadColumns: Column[] = [
  ['company_id', 'uuid'],
  ['id', 'uuid'],
  ['name', 'text'],
  ['company_name', 'text'],
  ['emails', 'text[]'],
  ['phones', 'text[]'],
  ['source', 'text'],
  ['campaign', 'text'],
  ['product', 'text'],
  ['city', 'text'],
  ['state', 'text'],
  ['country', 'text'],
  ['territory', 'text'],
  ['expected_value', 'numeric'],
  ['currency', 'text'],
  ['expected_close_date', 'date'],
  ['tags', 'text[]'],
  ['notes', 'text'],
  ['owner_id', 'uuid'],
  ['stage', 'text'],
  ['lost_reason', 'text'],
  ['custom_fields', 'jsonb'],
  ['created_by', 'uuid'],
  ['created_via', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['stage_changed_at', 'timestamptz'],
  ['last_touched_at', 'timestamptz'],
];
const historyColumns: Column[] = [
  ['company_id', 'uuid'],
  ['id', 'uuid'],
  ['lead_id', 'uuid'],
  ['to_stage', 'text'],
  ['by_user_id', 'uuid'],
  ['at', 'timestamptz'],
];
const assignmentColumns: Column[] = [
  ['company_id', 'uuid'],
  ['id', 'uuid'],
  ['lead_id', 'uuid'],
  ['at', 'timestamptz'],
  ['by_user_id', 'uuid'],
  ['channel', 'text'],
  ['reason', 'text'],
  ['rule_id', 'uuid'],
  ['rule_name', 'text'],
  ['strategy', 'text'],
  ['owner_id', 'uuid'],
  ['sla_due_at', 'timestamptz'],
  ['candidates', 'jsonb'],
  ['detail', 'text'],
];
const auditColumns: Column[] = [
  ['company_id', 'uuid'],
  ['id', 'uuid'],
  ['actor_user_id', 'uuid'],
  ['actor_api_key_id', 'uuid'],
  ['action', 'text'],
  ['entity_type', 'text'],
  ['entity_id', 'uuid'],
  ['changes', 'jsonb'],
  ['request_id', 'text'],
  ['ip', 'text'],
  ['at', 'timestamptz'],
];
const jobColumns: Column[] = [
  ['id', 'uuid'],
  ['company_id', 'uuid'],
  ['kind', 'text'],
  ['run_at', 'timestamptz'],
  ['payload', 'jsonb'],
  ['created_at', 'timestamptz'],
];

/** A new lead's own fields in API terms, from its columns: what the audit log and the assignment rules both read. */
export function leadFields(c: NewLead['columns']): Record<string, unknown> {
  return {
    name: c.name,
    companyName: c.company_name ?? null,
    emails: c.emails ?? [],
    phones: c.phones ?? [],
    source: c.source,
    campaign: c.campaign ?? null,
    product: c.product ?? null,
    city: c.city ?? null,
    state: c.state ?? null,
    country: c.country ?? null,
    territory: c.territory ?? null,
    expectedValue: c.expected_value ?? null,
    currency: c.currency ?? null,
    expectedCloseDate: c.expected_close_date ?? null,
    tags: c.tags ?? [],
    notes: c.notes ?? null,
    stage: c.stage,
    lostReason: c.lost_reason ?? null,
  };
}

/** The lead as the audit log keeps it (the same fields as leadSnapshot, from the columns just written). */
function snapshot(c: NewLead['columns']): Record<string, unknown> {
  return {
    ...leadFields(c),
    ownerId: c.owner_id ?? null,
    warriorIds: [],
    coSalesIds: [],
    partnerId: null,
    ...Object.fromEntries(Object.entries(c.custom_fields ?? {}).map(([k, v]) => [`customFields.${k}`, v])),
  };
}

/**
 * Every row a created lead brings, in one statement per table: the lead, its stage history, its assignment and
 * why, its audit entry, its SLA check.
 */
async function insertAll(trx: Tx, ctx: RequestContext, leads: NewLead[], now: Date): Promise<void> {
  const at = now.toISOString();
  const companyId = ctx.actor.companyId;
  const assignments = leads.map((l) => ({ lead: l, id: newId() }));
  const slaDue = (l: NewLead) =>
    l.decision.ownerId && l.decision.slaMinutes
      ? new Date(now.getTime() + l.decision.slaMinutes * 60_000).toISOString()
      : null;
  await insertMany(
    trx,
    'leads',
    leadColumns,
    leads.map((l) => ({
      ...l.columns,
      emails: l.columns.emails ?? [],
      phones: l.columns.phones ?? [],
      tags: l.columns.tags ?? [],
      owner_id: l.decision.ownerId,
      company_id: companyId,
      id: l.id,
      custom_fields: l.columns.custom_fields ?? {},
      created_by: ctx.actor.userId,
      created_via: 'import',
      created_at: at,
      updated_at: at,
      stage_changed_at: at,
      last_touched_at: at,
    })),
  );
  await insertMany(
    trx,
    'lead_stage_history',
    historyColumns,
    leads.map((l) => ({
      company_id: companyId,
      id: newId(),
      lead_id: l.id,
      to_stage: l.columns.stage,
      by_user_id: ctx.actor.userId,
      at,
    })),
  );
  await insertMany(
    trx,
    'lead_assignments',
    assignmentColumns,
    assignments.map(({ lead: l, id }) => ({
      company_id: companyId,
      id,
      lead_id: l.id,
      at,
      by_user_id: l.byUserId,
      channel: 'import',
      reason: l.decision.reason,
      rule_id: l.decision.ruleId,
      rule_name: l.decision.ruleName,
      strategy: l.decision.strategy,
      owner_id: l.decision.ownerId,
      sla_due_at: slaDue(l),
      candidates: l.decision.candidates,
      detail: l.decision.detail,
    })),
  );
  await insertMany(
    trx,
    'audit_log',
    auditColumns,
    leads.map((l) => ({
      company_id: companyId,
      id: newId(),
      actor_user_id: ctx.actor.userId,
      actor_api_key_id: ctx.actor.apiKeyId,
      action: 'lead.created',
      entity_type: 'lead',
      entity_id: l.id,
      changes: diff(null, snapshot({ ...l.columns, owner_id: l.decision.ownerId })),
      request_id: ctx.requestId,
      ip: ctx.ip,
      at,
    })),
  );
  const job = (kind: string, runAt: string | null, payload: Record<string, unknown>) => ({
    id: newId(),
    company_id: companyId,
    kind,
    run_at: runAt,
    payload,
    created_at: at,
  });
  await insertMany(trx, 'jobs', jobColumns, [
    ...assignments
      .filter(({ lead }) => slaDue(lead))
      .map(({ lead, id }) => job(SLA_JOB, slaDue(lead), { leadId: lead.id, assignmentId: id })),
  ]);
}

/**
 * Creates the leads of a chunk in bulk. When the database refuses the batch (a row breaking a constraint the
 * checks did not foresee), it falls back to one savepoint per lead, so only the offending rows fail, each with
 * the database's reason. Returns those failures by row index.
 */
export async function createLeads(
  trx: Tx,
  ctx: RequestContext,
  leads: NewLead[],
  now: Date,
): Promise<Map<number, string>> {
  const failures = new Map<number, string>();
  if (leads.length === 0) return failures;
  await sql`SAVEPOINT import_batch`.execute(trx);
  try {
    await insertAll(trx, ctx, leads, now);
    await sql`RELEASE SAVEPOINT import_batch`.execute(trx);
    return failures;
  } catch {
    await sql`ROLLBACK TO SAVEPOINT import_batch`.execute(trx);
  }
  for (const lead of leads) {
    await sql`SAVEPOINT import_row`.execute(trx);
    try {
      await insertAll(trx, ctx, [lead], now);
      await sql`RELEASE SAVEPOINT import_row`.execute(trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT import_row`.execute(trx);
      failures.set(lead.index, `The database refused the lead: ${(error as Error).message}`);
    }
  }
  return failures;
}

/** The columns a merge may change (see fillFromIncoming): what undo compares and puts back. */
const mergeable = [
  'company_name',
  'campaign',
  'product',
  'city',
  'state',
  'country',
  'territory',
  'notes',
  'expected_value',
  'currency',
  'expected_close_date',
  'emails',
  'phones',
  'tags',
  'custom_fields',
] as const;

export interface MergeResult {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/**
 * Merges a row into an existing lead the importer sees, as `onDuplicate=merge` does for any create: the row
 * fills the lead's empty fields and adds its emails, phones, tags and custom field values; nothing the lead
 * holds is overwritten. Returns the changed columns before and after (what undo puts back), or null when the
 * row adds nothing.
 */
export async function mergeInto(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  leadId: string,
  incoming: NewLead['columns'],
): Promise<MergeResult | null> {
  const before = await leadsRepo.findVisibleLead(trx, ctx.actor, leadId, { lock: true });
  if (!before) throw new AppError('not_found', 'The lead it matches is no longer there');
  const after = await fillFromIncoming(trx, deps, ctx, leadId, incoming, 'import');
  if (after.version === before.version) return null;
  const held = before as unknown as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  const changed = mergeable.filter((c) => JSON.stringify(held[c] ?? null) !== JSON.stringify(now[c] ?? null));
  return {
    before: Object.fromEntries(changed.map((c) => [c, held[c] ?? null])),
    after: Object.fromEntries(changed.map((c) => [c, now[c] ?? null])),
  };
}
