/**
 * The insights on the lead, for the leads subject: its score tier and score (from `lead_scores`: an open lead's
 * current score; a closed lead keeps the one it had when it closed) and whether it is at risk now, and why (from
 * `lead_risks`, live open leads only), as the at-risk list shows them: a lead counts as at risk for a role when one
 * of its reasons that may stand alone is one the role may see (a reason about a hidden field never shows). Both
 * tables are kept beside the lead and copied to ClickHouse. A tier's
 * drill-down is the lead list's `scoreTier` filter, a score band's its `score.min`/`score.max`; the list has no
 * at-risk filter, so at-risk figures have none.
 */
import { sql } from 'kysely';
import { accessFieldOf } from '../../leads/index.ts';
import { reasonFields, reasonKeys, reasonLabels, SUPPORTING_ONLY } from '../../risk/index.ts';
import type { CompileContext, Dimension, Join, Measure } from '../semantic.ts';
import { named } from './fixed-values.ts';

const tiers = ['hot', 'warm', 'cold'] as const;
const tierLabels: Record<string, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold', none: 'Not scored' };

/** Scores in bands of ten, 0–9 up to 90–100 (a score of 100 is in the top band), and the leads with none. */
const bandStarts = Array.from({ length: 10 }, (_, i) => String(i * 10));
const bandLabels: Record<string, string> = {
  ...Object.fromEntries(bandStarts.map((b) => [b, b === '90' ? '90–100' : `${b}–${Number(b) + 9}`])),
  none: 'Not scored',
};

/** The lead's score row (none: not scored). */
const scoreJoin: Join = {
  key: 'lead_score',
  sql: (c) => sql`LEFT JOIN ${c.d.table('lead_scores', 'ls')} ON ls.company_id = l.company_id AND ls.lead_id = l.id`,
};

/** The reasons the caller may see: never one that speaks of a field its role cannot see. */
const visibleReasons = (c: CompileContext) =>
  reasonKeys.filter((k) => {
    const field = reasonFields[k];
    const controlled = field ? accessFieldOf(field) : null;
    return !controlled || c.access.fields[controlled] !== 'hidden';
  });

/** The reasons that alone make a lead at risk, of those the caller may see. */
const primaryReasons = (c: CompileContext) => visibleReasons(c).filter((k) => k !== SUPPORTING_ONLY);

/** The flag row `r` makes its lead at risk for the caller. */
const flagged = (c: CompileContext) => {
  const primary = primaryReasons(c);
  return primary.length > 0 ? c.d.arrayHasAny(sql`r.reason_keys`, primary, 'String') : sql`false`;
};

/** One row per (at-risk lead, reason the caller may see): a lead counts once under each of its reasons. */
const reasonJoin: Join = {
  key: 'risk_reason',
  sql: (c) =>
    c.d.engine === 'postgres'
      ? sql`JOIN (SELECT r.company_id, r.lead_id, k.reason FROM lead_risks r
          CROSS JOIN LATERAL unnest(r.reason_keys) AS k (reason)
          WHERE ${flagged(c)} AND ${c.d.oneOf(sql`k.reason`, visibleReasons(c))}) rr
          ON rr.company_id = l.company_id AND rr.lead_id = l.id`
      : sql`JOIN (SELECT r.lead_id AS lead_id, arrayJoin(r.reason_keys) AS reason FROM ${c.d.table('lead_risks', 'r')}
          WHERE ${flagged(c)} AND ${c.d.oneOf(sql`reason`, visibleReasons(c))}) AS rr ON rr.lead_id = l.id`,
};

const atRisk = (c: CompileContext) => c.d.leadHas('lead_risks', 'r', flagged(c));

export const insightDimensions: Record<string, Dimension> = {
  scoreTier: {
    label: 'Score tier',
    kind: 'text',
    field: accessFieldOf('scoreTier'),
    joins: [scoreJoin],
    expr: () => sql`coalesce(ls.tier, ${sql.lit('none')})`,
    labelExpr: (value) => sql`min(${named(value, tierLabels)})`,
    labelInner: true,
    drill: (v) => (v && (tiers as readonly string[]).includes(v) ? { scoreTier: v } : null),
    order: (v, c) => c.d.position([...tiers, 'none'], v),
  },
  scoreBand: {
    label: 'Score band',
    kind: 'text',
    field: accessFieldOf('score'),
    joins: [scoreJoin],
    expr: (c) =>
      c.d.engine === 'postgres'
        ? sql`CASE WHEN ls.score IS NULL THEN ${sql.lit('none')} ELSE (least(ls.score, 99) / 10 * 10)::text END`
        : sql`if(ls.score IS NULL, ${sql.lit('none')}, toString(intDiv(least(ls.score, 99), 10) * 10))`,
    labelExpr: (value) => sql`min(${named(value, bandLabels)})`,
    labelInner: true,
    drill: (v) =>
      v && bandStarts.includes(v) ? { 'score.min': v, 'score.max': v === '90' ? '100' : String(Number(v) + 9) } : null,
    order: (v, c) => c.d.position([...bandStarts, 'none'], v),
  },
  riskReason: {
    label: 'At-risk reason',
    kind: 'text',
    joins: [reasonJoin],
    expr: () => sql`rr.reason`,
    labelExpr: (value) => sql`min(${named(value, reasonLabels)})`,
    labelInner: true,
    drill: () => null,
    order: (v, c) => c.d.position(reasonKeys, v),
  },
};

export const insightMeasures: Record<string, Measure> = {
  averageScore: {
    label: 'Average score',
    format: 'number',
    field: accessFieldOf('score'),
    joins: [scoreJoin],
    expr: (c) => c.d.avg(sql`ls.score`),
  },
  scoredLeads: {
    label: 'Scored',
    format: 'count',
    field: accessFieldOf('score'),
    joins: [scoreJoin],
    expr: (c) => c.d.count(sql`ls.lead_id IS NOT NULL`),
  },
  atRiskLeads: {
    label: 'At risk',
    format: 'count',
    expr: (c) => c.d.count(atRisk(c)),
  },
  atRiskValue: {
    label: 'Value at risk',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => c.d.sum(sql`l.expected_value`, atRisk(c)),
  },
};
