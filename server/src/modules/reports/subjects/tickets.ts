/**
 * Support tickets, one row each, with the figures a help desk is run by: how many came in and are still open,
 * how fast they were first answered and solved (median and p90, in seconds from creation), how many missed their
 * SLA clocks, and what customers said when asked to rate the solve. The caller sees the tickets the tickets
 * module's policy lets it see (every ticket for admins and customer success; otherwise those of the leads it sees,
 * and for managers those with no lead too). A ticket's satisfaction is its latest rating. ClickHouse holds no copy
 * of tickets: PostgreSQL answers.
 */
import { type RawBuilder, sql } from 'kysely';
import { ticketVisibleTo } from '../../tickets/index.ts';
import type { CompileContext, Dimension, Measure, Subject } from '../semantic.ts';
import { fixedDimension } from './fixed-values.ts';
import { leadDimensions, userDimension } from './lead-parts.ts';

const statuses = {
  new: 'New',
  open: 'Open',
  pending: 'Pending',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};
const priorities = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };
const channels = { agent: 'Raised by a user', support_form: 'Support form', email: 'Support mailbox' };

const leadDims = leadDimensions();
/** The lead's source, without a drill-down (no list shows tickets). */
const leadSource: Record<string, Dimension> = leadDims.source
  ? { source: { ...leadDims.source, label: 'Lead source', drill: () => null } }
  : {};

const nowAt = (c: CompileContext) => c.d.timestamp(c.now.toISOString());
const solved = sql`t.solved_at IS NOT NULL`;
const unsolved = sql`t.status NOT IN ('solved', 'closed')`;
const responded = sql`t.first_responded_at IS NOT NULL`;
const firstResponseSeconds = (c: CompileContext) => c.d.seconds(sql`t.created_at`, sql`t.first_responded_at`);
const resolutionSeconds = (c: CompileContext) => c.d.seconds(sql`t.created_at`, sql`t.solved_at`);

/** A clock is breached when it stopped after its due time, or still runs at or past it (as the ticket shows it). */
const breached = (stopped: string, due: string) => (c: CompileContext) =>
  sql`(CASE WHEN ${sql.ref(stopped)} IS NULL THEN ${nowAt(c)} >= ${sql.ref(due)}
    ELSE ${sql.ref(stopped)} > ${sql.ref(due)} END)`;
const firstResponseBreached = breached('t.first_responded_at', 't.first_response_due_at');
const resolutionBreached = breached('t.solved_at', 't.resolution_due_at');

const count = (label: string, where: (c: CompileContext) => RawBuilder<unknown>): Measure => ({
  label,
  format: 'count',
  expr: (c) => c.d.count(where(c)),
});
const seconds = (
  label: string,
  p: number,
  x: (c: CompileContext) => RawBuilder<unknown>,
  where: RawBuilder<unknown>,
): Measure => ({ label, format: 'seconds', expr: (c) => c.d.percentile(p, x(c), where) });

export const ticketsSubject: Subject = {
  key: 'tickets',
  clickhouse: false,
  label: 'Tickets',
  description:
    'Support tickets you can see: how many came in and are open, first-response and resolution times (from ' +
    'creation), SLA breaches, and the customers’ satisfaction ratings (a ticket counts with its latest rating)',
  from: () => sql`tickets t
    LEFT JOIN leads l ON l.company_id = t.company_id AND l.id = t.lead_id
    LEFT JOIN LATERAL (
      SELECT r.rating, r.rated_at FROM ticket_ratings r
      WHERE r.company_id = t.company_id AND r.ticket_id = t.id AND r.rating IS NOT NULL
      ORDER BY r.rated_at DESC LIMIT 1
    ) sr ON true`,
  scope: (c) => [ticketVisibleTo(c.actor)],
  permission: 'tickets:read',
  leadFilters: false,
  list: null,
  timeFields: {
    createdAt: { label: 'Created at', expr: sql`t.created_at` },
    solvedAt: { label: 'Solved at', expr: sql`t.solved_at` },
    ratedAt: { label: 'Rated at', expr: sql`sr.rated_at` },
  },
  defaultTime: 'createdAt',
  dimensions: {
    status: fixedDimension('Status', 't.status', statuses),
    priority: fixedDimension('Priority', 't.priority', priorities),
    category: {
      label: 'Category',
      kind: 'text',
      expr: (c) => c.d.lower(sql`t.category`),
      labelExpr: () => sql`min(t.category)`,
      labelInner: true,
    },
    assigneeId: userDimension('Assignee', sql`t.assignee_id`, null),
    channel: fixedDimension('Came in by', 't.channel', channels),
    ...leadSource,
  },
  measures: {
    tickets: { label: 'Tickets', format: 'count', expr: (c) => c.d.count() },
    open: count('Open (not solved)', () => unsolved),
    solved: count('Solved', () => solved),
    backlog: count('Backlog (new and open)', () => sql`t.status IN ('new', 'open')`),
    medianFirstResponse: seconds('Median first response', 0.5, firstResponseSeconds, responded),
    p90FirstResponse: seconds('p90 first response', 0.9, firstResponseSeconds, responded),
    medianResolution: seconds('Median resolution time', 0.5, resolutionSeconds, solved),
    p90Resolution: seconds('p90 resolution time', 0.9, resolutionSeconds, solved),
    firstResponseBreaches: count('First-response SLA breaches', firstResponseBreached),
    resolutionBreaches: count('Resolution SLA breaches', resolutionBreached),
    rated: count('Rated', () => sql`sr.rating IS NOT NULL`),
    good: count('Rated good', () => sql`sr.rating = 'good'`),
    bad: count('Rated bad', () => sql`sr.rating = 'bad'`),
    satisfactionScore: {
      label: 'Satisfaction score',
      format: 'percent',
      expr: (c) => c.d.ratio(c.d.count(sql`sr.rating = 'good'`), c.d.count(sql`sr.rating IS NOT NULL`)),
    },
  },
};
