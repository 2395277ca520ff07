import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { ownFields } from './lead-catalog.ts';

/** A column of a set-based insert: its name and PostgreSQL type. */
export type InsertColumn = readonly [name: string, type: string];

/**
 * Inserts many rows in one statement: the rows travel as one JSON document and PostgreSQL spreads it into
 * columns (`jsonb_to_recordset`), so 2,000 leads are one parameter and one round trip, not 60,000 parameters.
 * A column a row leaves out is NULL.
 */
async function insertMany(
  trx: Tx,
  table: string,
  columns: readonly InsertColumn[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = sql.raw(columns.map(([n]) => n).join(', '));
  const types = sql.raw(columns.map(([n, t]) => `${n} ${t}`).join(', '));
  await sql`INSERT INTO ${sql.table(table)} (${names})
    SELECT ${names} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(${types})`.execute(trx);
}

/** The columns a new lead is written with: every channel's create writes these, and only these. */
export const LEAD_INSERT_COLUMNS: readonly InsertColumn[] = [
  ['company_id', 'uuid'],
  // Every field of the catalog kept on the lead but the version, which starts at its default.
  ...ownFields.filter((f) => f.key !== 'version').map((f): InsertColumn => [f.column, f.type]),
];

/**
 * A new lead's row, keyed by LEAD_INSERT_COLUMNS (dates as ISO strings, arrays and JSON as values). Every column
 * is written, so the arrays and custom_fields must be given (an empty one rather than none).
 */
export type LeadInsertRow = Partial<Record<string, unknown>>;

const STAGE_HISTORY_COLUMNS: InsertColumn[] = [
  ['company_id', 'uuid'],
  ['id', 'uuid'],
  ['lead_id', 'uuid'],
  ['from_stage', 'text'],
  ['to_stage', 'text'],
  ['by_user_id', 'uuid'],
  ['at', 'timestamptz'],
  ['seconds_in_previous', 'bigint'],
];
const ASSIGNMENT_COLUMNS: InsertColumn[] = [
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
  ['previous_owner_id', 'uuid'],
  ['sla_due_at', 'timestamptz'],
  ['candidates', 'jsonb'],
  ['detail', 'text'],
];
const AUDIT_COLUMNS: InsertColumn[] = [
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
/** Every row a batch of new leads brings, already built by the create command (leads.create.ts). */
export interface NewLeadRows {
  leads: LeadInsertRow[];
  stageHistory: Record<string, unknown>[];
  assignments: Record<string, unknown>[];
  audit: Record<string, unknown>[];
}

/** One statement per table: the leads, their stage history, their assignments and why, their audit rows. */
export async function insertNewLeads(trx: Tx, rows: NewLeadRows): Promise<void> {
  await insertMany(trx, 'leads', LEAD_INSERT_COLUMNS, rows.leads);
  await insertMany(trx, 'lead_stage_history', STAGE_HISTORY_COLUMNS, rows.stageHistory);
  await insertMany(trx, 'lead_assignments', ASSIGNMENT_COLUMNS, rows.assignments);
  await insertMany(trx, 'audit_log', AUDIT_COLUMNS, rows.audit);
}
