/**
 * The tables ClickHouse holds: for each, the columns the reports read (with their ClickHouse type and how they
 * are read from PostgreSQL), the column its monthly partitions follow, and the DDL. Each is a
 * ReplacingMergeTree(version, is_deleted) ordered by (company_id, id): the tenant first, one row per record once
 * merged, and `FINAL` in every query so that a replaced or deleted row never counts.
 */
import { type RawBuilder, sql } from 'kysely';

export type FactTableName =
  | 'leads'
  | 'lead_stage_history'
  | 'activities'
  | 'lead_notes'
  | 'email_messages'
  | 'whatsapp_messages'
  | 'lead_scores'
  | 'lead_risks';

interface Column {
  name: string;
  type: string;
  /** How PostgreSQL gives it, as JSON ClickHouse reads (the column itself when absent). */
  read?: RawBuilder<unknown>;
}

export interface FactTable {
  name: FactTableName;
  columns: Column[];
  /** The creation time its monthly partitions follow (never changed after the row is made); null: one partition. */
  partitionBy: string | null;
  /** The PostgreSQL column that identifies a row (ClickHouse's `id`), when it is not `id`: a table kept per lead. */
  key?: string;
}

const UTC = "DateTime64(6, 'UTC')";
/** An instant as ClickHouse's DateTime64 text, in UTC. */
const instant = (column: string) => sql`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
const day = (column: string) => sql`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
const text = (column: string) => sql`${sql.ref(column)}::text`;

const id = (name: string, nullable = false): Column => ({
  name,
  type: nullable ? 'Nullable(UUID)' : 'UUID',
  read: text(name),
});
const str = (name: string, nullable = false): Column => ({ name, type: nullable ? 'Nullable(String)' : 'String' });
const at = (name: string, nullable = false): Column => ({
  name,
  type: nullable ? `Nullable(${UTC})` : UTC,
  read: instant(name),
});
const ids = (name: string): Column => ({ name, type: 'Array(UUID)', read: sql`${sql.ref(name)}::text[]` });

export const factTables: FactTable[] = [
  {
    name: 'leads',
    partitionBy: 'created_at',
    columns: [
      str('stage'),
      id('owner_id', true),
      ids('warrior_ids'),
      ids('co_sales_ids'),
      id('partner_id', true),
      id('created_by', true),
      str('source'),
      str('created_via'),
      ...['campaign', 'product', 'city', 'state', 'country', 'territory', 'lost_reason', 'currency'].map((c) =>
        str(c, true),
      ),
      { name: 'tags', type: 'Array(String)' },
      // Only how many addresses and numbers a lead has is reported on: the values stay in PostgreSQL.
      { name: 'emails', type: 'Array(String)', read: sql`array_fill(''::text, ARRAY[cardinality(emails)])` },
      { name: 'phones', type: 'Array(String)', read: sql`array_fill(''::text, ARRAY[cardinality(phones)])` },
      { name: 'expected_value', type: 'Nullable(Decimal(16, 2))', read: text('expected_value') },
      { name: 'expected_close_date', type: 'Nullable(Date32)', read: day('expected_close_date') },
      at('created_at'),
      at('updated_at'),
      at('stage_changed_at'),
      at('last_touched_at'),
      at('deleted_at', true),
      id('merged_into', true),
    ],
  },
  {
    name: 'lead_stage_history',
    partitionBy: 'at',
    columns: [
      id('lead_id'),
      str('from_stage', true),
      str('to_stage'),
      at('at'),
      id('by_user_id', true),
      { name: 'seconds_in_previous', type: 'Nullable(Int64)', read: text('seconds_in_previous') },
    ],
  },
  {
    name: 'activities',
    partitionBy: 'created_at',
    columns: [
      id('lead_id'),
      id('assignee_id'),
      str('type'),
      str('status'),
      str('channel', true),
      str('call_result', true),
      at('due_at'),
      at('completed_at', true),
      at('created_at'),
      { name: 'duration_seconds', type: 'Nullable(Int32)' },
    ],
  },
  // Kept per lead (its id is the lead's), and rewritten in place: no creation time to partition by.
  {
    name: 'lead_scores',
    key: 'lead_id',
    partitionBy: null,
    columns: [id('lead_id'), { name: 'score', type: 'Int16' }, str('tier'), at('scored_at')],
  },
  {
    name: 'lead_risks',
    key: 'lead_id',
    partitionBy: null,
    columns: [
      id('lead_id'),
      { name: 'reason_keys', type: 'Array(String)' },
      { name: 'severity', type: 'Int32' },
      at('flagged_since'),
    ],
  },
  { name: 'lead_notes', partitionBy: 'created_at', columns: [id('lead_id'), at('created_at')] },
  {
    name: 'email_messages',
    partitionBy: 'created_at',
    columns: [
      id('lead_id', true),
      id('sender_id', true),
      str('status'),
      str('template_name', true),
      at('sent_at', true),
      at('created_at'),
      at('first_opened_at', true),
      at('first_clicked_at', true),
    ],
  },
  {
    name: 'whatsapp_messages',
    partitionBy: 'created_at',
    columns: [
      id('lead_id', true),
      id('sent_by', true),
      str('direction'),
      str('status'),
      str('type'),
      str('template_name', true),
      at('at'),
      at('created_at'),
      at('delivered_at', true),
      at('read_at', true),
      at('failed_at', true),
    ],
  },
];

export const factTable = (name: string) => factTables.find((t) => t.name === name);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** CREATE statements for the database and every table; each may run again (IF NOT EXISTS). */
export function schemaStatements(database: string): string[] {
  if (!NAME.test(database)) throw new Error(`ClickHouse database name ${database} is not a plain name`);
  return [
    `CREATE DATABASE IF NOT EXISTS ${database}`,
    ...factTables.map((t) => {
      const columns = [
        'company_id UUID',
        'id UUID',
        ...t.columns.map((c) => `${c.name} ${c.type}`),
        'version UInt64',
        'is_deleted UInt8',
      ];
      return `CREATE TABLE IF NOT EXISTS ${database}.${t.name} (${columns.join(', ')})
        ENGINE = ReplacingMergeTree(version, is_deleted)
        ${t.partitionBy ? `PARTITION BY toYYYYMM(${t.partitionBy})` : ''}
        ORDER BY (company_id, id)`;
    }),
  ];
}
