import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { AppError, fieldError } from '../../http/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { accessFieldOf, fieldRef, type LeadFieldType, leadFields } from './lead-catalog.ts';
import { type ControlledField, customAccess, type FieldAccess } from './lead-fields.ts';
import type { CustomFieldDef } from './lead-input.ts';

/** The SQL type a sort value is read back as from the cursor (the cursor carries PostgreSQL's own text of it). */
type SortCast = 'timestamptz' | 'numeric' | 'text' | 'date' | 'boolean';

interface Column {
  expr: RawBuilder<unknown>;
  cast: SortCast;
  nullable: boolean;
  /** The controlled field whose access decides whether a role may sort by it; null when always shown. */
  field: ControlledField | null;
}

const casts: Partial<Record<LeadFieldType, SortCast>> = {
  text: 'text',
  numeric: 'numeric',
  integer: 'numeric',
  date: 'date',
  timestamptz: 'timestamptz',
};

/**
 * The catalog's sortable fields by sort key (the stage sorts by the pipeline's order, below). Free text sorts
 * case-insensitively; keys (source, currency) as they are. A field kept beside the lead (the score) sorts by its
 * joined column: a lead without a row there is one of the empty values, after the others.
 */
const columns: Record<string, Column> = Object.fromEntries(
  leadFields.flatMap((f): [string, Column][] => {
    if (!f.sort || f.display === 'stage') return [];
    const ref = sql.ref(f.sort.expr ?? fieldRef(f));
    const lowered = f.sort.expr !== undefined || f.display === 'text' || f.display === 'longtext';
    return [
      [
        f.sort.by ?? f.key,
        {
          expr: lowered ? sql`lower(${ref})` : sql`${ref}`,
          cast: casts[f.type] ?? 'text',
          nullable: !f.required,
          field: accessFieldOf(f.key),
        },
      ],
    ];
  }),
);

export const sortableFields = [...Object.keys(columns), 'stage', 'customFields.<key>'];

/**
 * One run of rows in the final order. A nullable column sorts its values first and its empty rows after them
 * (in either direction); the stage sort walks the pipeline's stages in order, most recently changed first within
 * each. Each segment is read with a keyset condition its index can serve, so deep pages stay cheap.
 */
export interface Segment {
  where: Expression<SqlBool> | null;
  /** null: the rows are ordered by id alone (the empty values of a nullable column). */
  expr: RawBuilder<unknown> | null;
  cast: SortCast;
  desc: boolean;
}

export interface SortPlan {
  /** As the caller wrote it, normalised: `-updatedAt`, `name`, `customFields.industry`. */
  key: string;
  segments: Segment[];
}

const SORT = /^(-)?([A-Za-z]+|customFields\.[a-z][a-z0-9_]{0,39})$/;

export function needsStages(sort: string | undefined): boolean {
  return sort?.replace(/^-/, '') === 'stage';
}

/** The sort the caller asked for as segments; a field its role may not see is refused (its order would leak it). */
export function sortPlan(
  raw: string | undefined,
  access: FieldAccess,
  context: { stages: () => string[]; customDefs: () => CustomFieldDef[] },
): SortPlan {
  const text = raw?.trim() || '-updatedAt';
  const match = SORT.exec(text);
  const name = match?.[2] ?? '';
  const desc = match?.[1] === '-';
  const key = `${desc ? '-' : ''}${name}`;
  if (name === 'stage') {
    const stages = context.stages();
    const ordered = desc ? [...stages].reverse() : stages;
    return {
      key,
      segments: ordered.map((stage) => ({
        where: sql<SqlBool>`l.stage = ${stage}`,
        expr: sql`l.updated_at`,
        cast: 'timestamptz',
        desc: true,
      })),
    };
  }
  let column: Column | null | undefined = null;
  if (match && name.startsWith('customFields.')) column = customColumn(name, access, context);
  else if (match && Object.hasOwn(columns, name)) column = columns[name];
  if (!column) {
    throw fieldError('validation_failed', 'sort', `is not a field to sort by (one of ${sortableFields.join(', ')})`);
  }
  if (column.field && access.fields[column.field] === 'hidden') {
    throw fieldError('validation_failed', 'sort', `${name} is not shown to your role`);
  }
  const values: Segment = {
    where: column.nullable ? sql<SqlBool>`${column.expr} IS NOT NULL` : null,
    expr: column.expr,
    cast: column.cast,
    desc,
  };
  if (!column.nullable) return { key, segments: [values] };
  return { key, segments: [values, { where: sql<SqlBool>`${column.expr} IS NULL`, expr: null, cast: 'text', desc }] };
}

function customColumn(
  name: string,
  access: FieldAccess,
  context: { customDefs: () => CustomFieldDef[] },
): Column | null {
  const fieldKey = name.slice('customFields.'.length);
  const def = context.customDefs().find((d) => d.key === fieldKey);
  if (!def) return null;
  if (customAccess(access, fieldKey) === 'hidden') {
    throw fieldError('validation_failed', 'sort', `${name} is not shown to your role`);
  }
  const value = sql`l.custom_fields -> ${fieldKey}`;
  const typed = (type: string, cast: SortCast) =>
    sql`CASE WHEN jsonb_typeof(${value}) = ${type} THEN (l.custom_fields ->> ${fieldKey})::${sql.raw(cast)} END`;
  switch (def.type) {
    case 'number':
      return { expr: typed('number', 'numeric'), cast: 'numeric', nullable: true, field: 'customFields' };
    case 'boolean':
      return { expr: typed('boolean', 'boolean'), cast: 'boolean', nullable: true, field: 'customFields' };
    case 'date':
      return {
        expr: sql`CASE WHEN jsonb_typeof(${value}) = 'string' THEN l.custom_fields ->> ${fieldKey} END`,
        cast: 'text',
        nullable: true,
        field: 'customFields',
      };
    case 'multi_select':
      throw fieldError('validation_failed', 'sort', `${name} holds several values and cannot be sorted by`);
    default:
      return {
        expr: sql`lower(CASE WHEN jsonb_typeof(${value}) = 'string' THEN l.custom_fields ->> ${fieldKey} END)`,
        cast: 'text',
        nullable: true,
        field: 'customFields',
      };
  }
}

/** Where a page ended: the sort it belongs to, the search mode, the segment, the last sort value and id. */
export interface LeadCursor {
  sort: string;
  mode: string;
  segment: number;
  value: string | null;
  id: string;
}

export function encodeLeadCursor(cursor: LeadCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.mode, cursor.segment, cursor.value, cursor.id])).toString(
    'base64url',
  );
}

const badCursor = (message: string) =>
  new AppError('validation_failed', `The cursor ${message}`, { errors: [{ path: 'cursor', message }] });

/** A cursor of another sort would skip or repeat rows, so it is refused rather than read. */
export function decodeLeadCursor(raw: string | undefined, plan: SortPlan): LeadCursor | null {
  if (!raw) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('is not a cursor this API returned');
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 5 ||
    typeof parts[0] !== 'string' ||
    typeof parts[1] !== 'string' ||
    !Number.isInteger(parts[2]) ||
    (parts[3] !== null && typeof parts[3] !== 'string') ||
    !isUuid(parts[4])
  ) {
    throw badCursor('is not a cursor this API returned');
  }
  const [sort, mode, segment, value, id] = parts as [string, string, number, string | null, string];
  if (sort !== plan.key) throw badCursor(`belongs to the sort ${sort}, not ${plan.key}`);
  const current = plan.segments[segment];
  if (!current || (current.expr !== null) !== (value !== null)) throw badCursor('is not a cursor this API returned');
  return { sort, mode, segment, value, id };
}

/** Rows after the cursor within its segment: a row comparison, which the sort's index serves. */
export function afterCursor(segment: Segment, cursor: LeadCursor): Expression<SqlBool> {
  const op = sql.raw(segment.desc ? '<' : '>');
  if (segment.expr === null || cursor.value === null) return sql<SqlBool>`l.id ${op} ${cursor.id}::uuid`;
  return sql<SqlBool>`(${segment.expr}, l.id) ${op} (${cursor.value}::${sql.raw(segment.cast)}, ${cursor.id}::uuid)`;
}
