/**
 * Stage moves (the lead's stage history, creation included as a move from no stage): the funnel, stage-to-stage
 * conversion and drop-off, time in stage, the transition matrix, and the pipeline as it stood on a past date.
 * A count of leads drills into the lead list's history filter (`reached`, `reachedFrom`, `reachedAt`).
 */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import { NoClickHouseForm } from '../dialect.ts';
import { type CompileContext, type Dimension, type Subject, stageKeys } from '../semantic.ts';
import { leadDimensions, leadTimeFields, stageOrder, userDimension } from './lead-parts.ts';

const position = (stage: RawBuilder<unknown>, c: CompileContext) => stageOrder(stage, c);
const lost = (c: CompileContext) => c.d.oneOf(sql`h.to_stage`, stageKeys(c, 'lost'));
const forward = (c: CompileContext) =>
  sql`(h.from_stage IS NOT NULL AND NOT ${lost(c)} AND ${position(sql`h.to_stage`, c)} > ${position(sql`h.from_stage`, c)})`;
const backward = (c: CompileContext) =>
  sql`(h.from_stage IS NOT NULL AND ${position(sql`h.to_stage`, c)} < ${position(sql`h.from_stage`, c)})`;
const percentile = (c: CompileContext, p: number) =>
  c.d.percentile(p, sql`h.seconds_in_previous`, sql`h.seconds_in_previous IS NOT NULL`);
const moved = sql`h.from_stage IS NOT NULL`;

const stageDimension = (label: string, column: string, param: string): Dimension => ({
  label,
  kind: 'stage',
  expr: () => sql.ref(column),
  order: stageOrder,
  drill: (v) => (v !== null ? { [param]: v } : null),
});

/** The lead's own dimensions, minus `stage` (here a move has two: from and to). */
const { stage: _stage, ...leadDims } = leadDimensions();
const leadTimes = leadTimeFields();

export const stageMovesSubject: Subject = {
  key: 'stageMoves',
  label: 'Stage moves',
  description: 'Every move of a lead from stage to stage, its creation included, with the time spent before it',
  from: (c) =>
    sql`${c.d.table('lead_stage_history', 'h')} JOIN ${c.d.table('leads', 'l')}
      ON l.company_id = h.company_id AND l.id = h.lead_id`,
  scope: (c) => [c.leadScope, leadIsLive],
  leadFilters: true,
  list: 'leads',
  timeFields: {
    movedAt: {
      label: 'Moved at',
      expr: sql`h.at`,
      drill: { kind: 'dates', min: 'reachedAt.min', max: 'reachedAt.max' },
    },
    ...(leadTimes.createdAt ? { createdAt: { ...leadTimes.createdAt, label: 'Lead created at' } } : {}),
  },
  defaultTime: 'movedAt',
  dimensions: {
    toStage: stageDimension('To stage', 'h.to_stage', 'reached'),
    fromStage: stageDimension('From stage', 'h.from_stage', 'reachedFrom'),
    movedBy: userDimension('Moved by', sql`h.by_user_id`, null),
    direction: {
      label: 'Direction',
      kind: 'text',
      expr: (c) =>
        sql`CASE WHEN h.from_stage IS NULL THEN 'created' WHEN ${lost(c)} THEN 'lost'
          WHEN ${forward(c)} THEN 'forward' WHEN ${backward(c)} THEN 'backward' ELSE 'same' END`,
    },
    ...leadDims,
  },
  measures: {
    // The leads that made the moves: a lead moving twice within the group counts once, as the list shows it.
    leads: { label: 'Leads', format: 'count', expr: (c) => c.d.countDistinct(sql`h.lead_id`), drill: () => ({}) },
    moves: { label: 'Moves', format: 'count', expr: (c) => c.d.count() },
    forwardMoves: { label: 'Moved forward', format: 'count', expr: (c) => c.d.count(forward(c)) },
    backwardMoves: { label: 'Moved back', format: 'count', expr: (c) => c.d.count(backward(c)) },
    lostMoves: { label: 'Lost', format: 'count', expr: (c) => c.d.count(lost(c)) },
    forwardShare: {
      label: 'Converted onward',
      format: 'percent',
      expr: (c) => c.d.ratio(c.d.count(forward(c)), c.d.count(moved)),
    },
    dropOff: {
      label: 'Dropped off',
      format: 'percent',
      expr: (c) => c.d.ratio(c.d.count(lost(c)), c.d.count(moved)),
    },
    medianTimeInStage: { label: 'Median time in stage', format: 'seconds', expr: (c) => percentile(c, 0.5) },
    p90TimeInStage: { label: 'p90 time in stage', format: 'seconds', expr: (c) => percentile(c, 0.9) },
    avgTimeInStage: {
      label: 'Average time in stage',
      format: 'seconds',
      expr: (c) => c.d.avg(sql`h.seconds_in_previous`),
    },
  },
};

/**
 * The pipeline as it stood at the end of the report's last day (or now): each lead then existing, in the stage
 * its history had it in at that moment. Owners are today's.
 */
/**
 * Who owned the lead at the end of the window: the last assignment up to then; before its first assignment, the
 * owner that assignment took it from; a lead never reassigned, its owner. ClickHouse holds no assignments.
 */
const ownerThen = userDimension(
  'Owner then',
  sql`(CASE WHEN ob.found THEN ob.owner_id WHEN oa.found THEN oa.previous_owner_id ELSE l.owner_id END)`,
  null,
  {
    field: 'ownerId',
    joins: [
      {
        key: 'owner_then',
        sql: (c) => {
          if (c.d.engine !== 'postgres') throw new NoClickHouseForm('The owner on a date');
          const at = c.d.timestamp(c.range?.toAt ?? c.now.toISOString());
          const of = sql`a.company_id = l.company_id AND a.lead_id = l.id`;
          return sql`LEFT JOIN LATERAL (SELECT true AS found, a.owner_id FROM lead_assignments a
              WHERE ${of} AND a.at < ${at} ORDER BY a.at DESC, a.id DESC LIMIT 1) ob ON true
            LEFT JOIN LATERAL (SELECT true AS found, a.previous_owner_id FROM lead_assignments a
              WHERE ${of} AND a.at >= ${at} ORDER BY a.at, a.id LIMIT 1) oa ON true`;
        },
      },
    ],
  },
);

export const pipelineAsOfSubject: Subject = {
  key: 'pipelineAsOf',
  label: 'Pipeline on a date',
  description: 'The leads that existed at the end of the chosen last day, in the stage they were in then',
  from: (c) =>
    sql`${c.d.table('leads', 'l')} ${c.d.stageBefore('s', c.d.timestamp(c.range?.toAt ?? c.now.toISOString()))}`,
  scope: (c) => [c.leadScope, leadIsLive],
  leadFilters: true,
  list: null,
  timeFields: {},
  defaultTime: null,
  dimensions: {
    stageThen: { label: 'Stage then', kind: 'stage', expr: () => sql`s.to_stage`, order: stageOrder },
    ownerThen,
    ...leadDims,
  },
  measures: {
    leads: { label: 'Leads', format: 'count', expr: (c) => c.d.count() },
    value: {
      label: 'Value',
      format: 'money',
      field: 'expectedValue',
      expr: (c) => c.d.sum(sql`l.expected_value`),
    },
  },
};
