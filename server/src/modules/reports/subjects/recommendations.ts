/**
 * Assignment recommendations, one row each: what was proposed, what admins decided, what each proposal promised
 * (its `expected` win rates) and what an accepted one did since its acceptance. The outcome is counted live from
 * the assignment history and the leads, as the recommendations page counts it:
 * - an accepted rule: the live leads its rule assigned (an assignment row by that rule, for the reason `rule`, at
 *   or after the acceptance; a lead assigned twice counts once), how many of them are now in a won or lost stage,
 *   and how many won;
 * - an accepted cap: no leads are assigned by a cap; the capped person's live leads closed since the acceptance,
 *   and how many were won.
 * Only the leads the caller sees are counted. PostgreSQL only: ClickHouse holds no copy of recommendations.
 */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import type { CompileContext, Join, Measure, Subject } from '../semantic.ts';
import { fixedDimension } from './fixed-values.ts';
import { userDimension } from './lead-parts.ts';

const kinds = { rule: 'Assignment rule', cap: 'Open-lead cap' };
const statuses = { proposed: 'Proposed', accepted: 'Accepted', dismissed: 'Dismissed' };
const fields = {
  source: 'Source',
  product: 'Product',
  city: 'City',
  state: 'State',
  territory: 'Territory',
  load: 'Open-lead load',
};

/** A win rate the proposal stored in `expected` (a fraction; null when it had none). */
const expectedRate = (key: 'winRateExpected' | 'winRateNow') => sql`(rc.expected ->> ${sql.lit(key)})::float8`;

/**
 * What an accepted recommendation did since it was accepted, over the live leads the caller sees: `ro` for a
 * rule (leads its rule assigned; of them closed and won), `co` for a cap (the person's leads closed; of them won).
 * Each lateral gives one row for every recommendation, zeros for one that is not accepted or of the other kind.
 */
const outcomeJoin: Join = {
  key: 'recommendation_outcome',
  sql: (c) => sql`
    LEFT JOIN LATERAL (
      SELECT count(*) AS assigned, count(*) FILTER (WHERE s.kind <> 'open') AS closed,
        count(*) FILTER (WHERE s.kind = 'won') AS won
      FROM (SELECT DISTINCT a.lead_id FROM lead_assignments a
        WHERE a.company_id = rc.company_id AND a.rule_id = rc.rule_id AND a.reason = 'rule'
          AND a.at >= rc.decided_at) x
      JOIN leads l ON l.company_id = rc.company_id AND l.id = x.lead_id
      JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
      WHERE rc.status = 'accepted' AND rc.kind = 'rule' AND ${leadIsLive} AND ${c.leadScope}
    ) ro ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS closed, count(*) FILTER (WHERE s.kind = 'won') AS won
      FROM leads l JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage
      WHERE rc.status = 'accepted' AND rc.kind = 'cap'
        AND l.company_id = rc.company_id AND l.owner_id = (rc.proposal #>> '{cap,userId}')::uuid
        AND s.kind <> 'open' AND l.stage_changed_at >= rc.decided_at AND ${leadIsLive} AND ${c.leadScope}
    ) co ON true`,
};

const closedSince = sql`(ro.closed + co.closed)`;
const wonSince = sql`(ro.won + co.won)`;

const outcome = (
  label: string,
  format: Measure['format'],
  expr: (c: CompileContext) => RawBuilder<unknown>,
): Measure => ({
  label,
  format,
  joins: [outcomeJoin],
  expr,
});

export const recommendationsSubject: Subject = {
  key: 'recommendations',
  clickhouse: false,
  label: 'Assignment recommendations',
  description:
    'Assignment rules and open-lead caps proposed from the company’s history: decided how, promising what, ' +
    'and what the accepted ones did since',
  from: () => sql`recommendations rc`,
  scope: () => [],
  permission: 'insights:manage',
  leadFilters: false,
  list: null,
  timeFields: {
    createdAt: { label: 'Proposed at', expr: sql`rc.created_at` },
    decidedAt: { label: 'Decided at', expr: sql`rc.decided_at` },
  },
  defaultTime: 'createdAt',
  dimensions: {
    kind: fixedDimension('Kind', 'rc.kind', kinds),
    dimension: fixedDimension('Lead field', 'rc.dimension', fields),
    status: fixedDimension('Status', 'rc.status', statuses),
    decidedBy: userDimension('Decided by', sql`rc.decided_by`, null),
    recommendation: {
      label: 'Recommendation',
      kind: 'text',
      expr: (c) => c.d.text(sql`rc.id`),
      labelExpr: (value) => sql`(SELECT r.proposal ->> 'summary' FROM recommendations r WHERE r.id = ${value}::uuid)`,
    },
  },
  measures: {
    recommendations: { label: 'Recommendations', format: 'count', expr: (c) => c.d.count() },
    proposed: { label: 'Proposed', format: 'count', expr: (c) => c.d.count(sql`rc.status = 'proposed'`) },
    accepted: { label: 'Accepted', format: 'count', expr: (c) => c.d.count(sql`rc.status = 'accepted'`) },
    dismissed: { label: 'Dismissed', format: 'count', expr: (c) => c.d.count(sql`rc.status = 'dismissed'`) },
    acceptanceRate: {
      label: 'Acceptance rate',
      format: 'percent',
      expr: (c) => c.d.ratio(c.d.count(sql`rc.status = 'accepted'`), c.d.count(sql`rc.status <> 'proposed'`)),
    },
    expectedWinRate: {
      label: 'Expected win rate',
      format: 'percent',
      expr: (c) => c.d.avg(expectedRate('winRateExpected')),
    },
    expectedLift: {
      label: 'Expected lift',
      format: 'percent',
      expr: (c) => c.d.avg(sql`${expectedRate('winRateExpected')} - ${expectedRate('winRateNow')}`),
    },
    assigned: outcome('Leads assigned since accepted', 'count', (c) => c.d.sum(sql`ro.assigned`)),
    closed: outcome('Closed since accepted', 'count', (c) => c.d.sum(closedSince)),
    won: outcome('Won since accepted', 'count', (c) => c.d.sum(wonSince)),
    actualWinRate: outcome('Win rate since accepted', 'percent', (c) =>
      c.d.ratio(c.d.sum(wonSince), c.d.sum(closedSince)),
    ),
    // The actual rate less what was promised for the same leads: each recommendation's expectation weighted by
    // its closed leads, so that one with many closed leads weighs as much as its leads do.
    againstExpected: outcome('Win rate against expected', 'percent', (c) => {
      const known = sql`${expectedRate('winRateExpected')} IS NOT NULL`;
      return c.d.ratio(
        sql`${c.d.sum(wonSince, known)} - ${c.d.sum(sql`${closedSince} * ${expectedRate('winRateExpected')}`, known)}`,
        c.d.sum(closedSince, known),
      );
    }),
  },
};
