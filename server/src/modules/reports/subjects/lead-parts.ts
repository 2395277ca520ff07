/**
 * The lead's dimensions and time fields, as every lead-bound subject sees them on the alias `l`: derived from the
 * lead catalog (fields flagged `report`), plus the team (a manager's whole subtree), the stage's kind and the
 * company's custom fields. A dimension's drill-down is the lead list's own filter for that value.
 */
import { type RawBuilder, sql } from 'kysely';
import { accessFieldOf, type LeadFieldDef, leadFields, leadSourceLabels } from '../../leads/index.ts';
import { type CompileContext, type Dimension, type DimensionKind, stageKeys, type TimeField } from '../semantic.ts';

const userName = (value: RawBuilder<unknown>) => sql`(SELECT u.name FROM users u WHERE u.id = ${value}::uuid)`;
const partnerName = (value: RawBuilder<unknown>) => sql`(SELECT p.name FROM partners p WHERE p.id = ${value}::uuid)`;

/** Stages in pipeline order (unknown ones last). */
export const stageOrder = (value: RawBuilder<unknown>, c: CompileContext) =>
  c.d.position(
    c.stages.map((s) => s.key),
    value,
  );

/** A user column as a dimension: its id, named; `param` is the list filter that selects it. */
export function userDimension(
  label: string,
  column: RawBuilder<unknown>,
  param: string | null,
  extra: Partial<Dimension> = {},
): Dimension {
  return {
    label,
    kind: 'user',
    expr: (c) => c.d.text(column),
    labelExpr: userName,
    names: 'users',
    drill: (v) => (param ? { [param]: v ?? 'none' } : null),
    ...extra,
  };
}

function kindOf(f: LeadFieldDef): DimensionKind {
  if (f.display === 'user' || f.display === 'users') return 'user';
  if (f.display === 'partner') return 'partner';
  if (f.display === 'stage') return 'stage';
  if (f.display === 'source') return 'source';
  if (f.display === 'tags') return 'tag';
  return 'text';
}

function catalogDimension(f: LeadFieldDef): Dimension {
  const column = sql.ref(`l.${f.column}`);
  const kind = kindOf(f);
  const field = accessFieldOf(f.key);
  const param = f.filter ? (f.filter.param ?? f.key) : null;
  const base = { label: f.label, kind, field };
  if (f.type === 'uuid[]' || f.type === 'text[]') {
    // One row per element: a lead with two warriors counts for each.
    const alias = `x_${f.column}`;
    return {
      ...base,
      expr: (c) => c.d.text(c.d.unnest(column, alias).value),
      joins: [{ key: alias, sql: (c) => c.d.unnest(column, alias).join }],
      ...(kind === 'user' ? { labelExpr: userName, names: 'users' as const } : {}),
      drill: (v) => (param && v !== null ? { [param]: v } : null),
    };
  }
  if (kind === 'user' || kind === 'partner') {
    const none = f.access !== 'system';
    return {
      ...base,
      expr: (c) => c.d.text(column),
      labelExpr: kind === 'user' ? userName : partnerName,
      names: kind === 'user' ? 'users' : 'partners',
      drill: (v) => (param && (v !== null || none) ? { [param]: v ?? 'none' } : null),
    };
  }
  if (f.filter?.kind === 'text' || !f.filter) {
    // Free text groups case-insensitively, as the list's filter matches; the label is one of its spellings.
    return {
      ...base,
      expr: (c) => c.d.lower(column),
      labelExpr: () => sql`min(${column})`,
      labelInner: true,
      drill: (v) => (param && v !== null ? { [param]: v } : null),
    };
  }
  return {
    ...base,
    expr: (c) => c.d.text(column),
    ...(kind === 'stage' ? { order: stageOrder } : {}),
    drill: (v) => (param && v !== null ? { [param]: v } : null),
  };
}

export const sourceLabel = (value: string) => (leadSourceLabels as Record<string, string>)[value] ?? value;

/** Every dimension of the lead, for a subject whose lead is `l`. */
export function leadDimensions(): Record<string, Dimension> {
  const out: Record<string, Dimension> = {};
  for (const f of leadFields) if (f.report === 'dimension') out[f.key] = catalogDimension(f);
  out.stageKind = {
    label: 'Stage kind',
    kind: 'text',
    expr: (c) =>
      sql`CASE ${sql.join(
        c.stages.map((s) => sql`WHEN l.stage = ${c.d.value(s.key, 'String')} THEN ${c.d.value(s.kind, 'String')}`),
        sql` `,
      )} END`,
    drill: (v, c) => {
      const keys = v === 'open' || v === 'won' || v === 'lost' ? stageKeys(c, v) : [];
      return keys.length > 0 ? { stage: keys.join(',') } : null;
    },
    order: (v, c) => c.d.position(['open', 'won', 'lost'], v),
  };
  out.team = {
    label: 'Team',
    kind: 'user',
    field: 'ownerId',
    // Each lead counts for every manager above its owner (and the owner itself when it manages): the roll-up.
    // ClickHouse holds no hierarchy: the heads of each owner, read from PostgreSQL, are bound with the query.
    expr: (c) =>
      c.d.engine === 'postgres' ? sql`tm.manager_id::text` : c.d.headsOf(sql`l.owner_id`, c.teamHeads ?? new Map()),
    labelExpr: userName,
    names: 'users',
    joins: [
      {
        key: 'team',
        sql: (c) =>
          c.d.engine !== 'postgres'
            ? sql``
            : sql`JOIN (WITH RECURSIVE tree AS (
            SELECT u.id AS manager_id, u.id AS member_id FROM users u WHERE u.role IN ('MANAGER', 'ADMIN')
            UNION ALL SELECT t.manager_id, c.id FROM users c JOIN tree t ON c.manager_id = t.member_id
          ) SELECT DISTINCT manager_id, member_id FROM tree) tm ON tm.member_id = l.owner_id`,
      },
    ],
    drill: (v) => (v ? { team: v } : null),
  };
  return out;
}

/** A custom field as a dimension (`customFields.<key>`): its value as text, matched by the `cf.<key>` filter. */
export function customDimension(key: string, label: string, type: string): Dimension {
  const exact = type === 'select' || type === 'boolean' || type === 'user' || type === 'number' || type === 'date';
  return {
    label,
    kind: type === 'user' ? 'user' : 'text',
    customField: key,
    expr: (c) => (type === 'text' ? c.d.lower(c.d.customField(key)) : c.d.customField(key)),
    ...(type === 'text'
      ? { labelExpr: () => sql`min(l.custom_fields ->> ${key})`, labelInner: true }
      : type === 'user'
        ? { labelExpr: userName, names: 'users' as const }
        : {}),
    drill: (v) => (v !== null && (exact || type === 'text') ? { [`cf.${key}`]: v } : null),
  };
}

/** The lead's time fields (catalog fields flagged `time`), each drilled by its list range filter. */
export function leadTimeFields(): Record<string, TimeField> {
  const out: Record<string, TimeField> = {};
  for (const f of leadFields) {
    if (f.report !== 'time') continue;
    out[f.key] = {
      label: f.label,
      expr: sql.ref(`l.${f.column}`),
      ...(f.type === 'date' ? { date: true } : {}),
      field: accessFieldOf(f.key),
      ...(f.filter?.kind === 'range' ? { drill: { kind: 'dates', min: `${f.key}.min`, max: `${f.key}.max` } } : {}),
    };
  }
  return out;
}
