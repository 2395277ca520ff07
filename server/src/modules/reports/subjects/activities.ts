/**
 * Activities on the leads the caller sees: follow-ups, calls, meetings and notes, by assignee, type, status and
 * due time. A count drills into the activity list (assignee, type, status, due window).
 */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import type { CompileContext, Dimension, Measure, Subject } from '../semantic.ts';
import { leadDimensions, userDimension } from './lead-parts.ts';

const count = (c: CompileContext, where: RawBuilder<unknown>) => c.d.count(where);
const nowAt = (c: CompileContext) => c.d.timestamp(c.now.toISOString());
const scheduled = sql`a.type IN ('follow_up', 'meeting')`;

const keyed = (label: string, column: string, param: string | null): Dimension => ({
  label,
  kind: 'text',
  expr: () => sql.ref(column),
  drill: (v) => (param && v !== null ? { [param]: v } : null),
});

/** Lead dimensions group activities by their lead; the activity list cannot filter by them (no drill-down). */
const leadDims = Object.fromEntries(
  Object.entries(leadDimensions())
    .filter(([key]) => ['ownerId', 'stage', 'source', 'partnerId', 'team', 'territory', 'product'].includes(key))
    .map(([key, d]) => [key === 'ownerId' ? 'leadOwnerId' : key, { ...d, drill: () => null } as Dimension]),
);
if (leadDims.leadOwnerId) leadDims.leadOwnerId = { ...leadDims.leadOwnerId, label: 'Lead owner' };

const measures: Record<string, Measure> = {
  activities: { label: 'Activities', format: 'count', expr: (c) => c.d.count(), drill: () => ({}) },
  open: {
    label: 'Open',
    format: 'count',
    expr: (c) => count(c, sql`a.status = 'open'`),
    drill: () => ({ status: 'open' }),
  },
  done: {
    label: 'Done',
    format: 'count',
    expr: (c) => count(c, sql`a.status = 'done'`),
    drill: () => ({ status: 'done' }),
  },
  missed: {
    label: 'Missed',
    format: 'count',
    expr: (c) => count(c, sql`a.status = 'missed'`),
    drill: () => ({ status: 'missed' }),
  },
  cancelled: {
    label: 'Cancelled',
    format: 'count',
    expr: (c) => count(c, sql`a.status = 'cancelled'`),
    drill: () => ({ status: 'cancelled' }),
  },
  overdue: {
    label: 'Overdue',
    format: 'count',
    expr: (c) => count(c, sql`a.status IN ('open', 'missed') AND ${scheduled} AND a.due_at < ${nowAt(c)}`),
    drill: (c) => ({ status: 'open,missed', type: 'follow_up,meeting', dueTo: c.now.toISOString() }),
  },
  doneRate: {
    label: 'Done on time or late',
    format: 'percent',
    expr: (c) => c.d.ratio(count(c, sql`a.status = 'done'`), count(c, sql`a.status <> 'cancelled'`)),
  },
  daysToComplete: {
    label: 'Average time to complete',
    format: 'seconds',
    expr: (c) => c.d.avg(c.d.seconds(sql`a.created_at`, sql`a.completed_at`), sql`a.status = 'done'`),
  },
  completedLate: {
    label: 'Completed late',
    format: 'count',
    expr: (c) => count(c, sql`a.status = 'done' AND ${scheduled} AND a.completed_at > a.due_at`),
  },
  calls: {
    label: 'Calls',
    format: 'count',
    expr: (c) => count(c, sql`a.type = 'call'`),
    drill: () => ({ type: 'call' }),
  },
  callsConnected: {
    label: 'Calls connected',
    format: 'count',
    expr: (c) => count(c, sql`a.type = 'call' AND a.call_result = 'connected'`),
  },
  callDuration: {
    label: 'Call time',
    format: 'seconds',
    expr: (c) => c.d.sum(sql`a.duration_seconds`, sql`a.type = 'call'`),
  },
  avgCallDuration: {
    label: 'Average call',
    format: 'seconds',
    expr: (c) => c.d.avg(sql`a.duration_seconds`, sql`a.type = 'call'`),
  },
  meetingsScheduled: {
    label: 'Meetings scheduled',
    format: 'count',
    expr: (c) => count(c, sql`a.type = 'meeting' AND a.status <> 'cancelled'`),
    drill: () => ({ type: 'meeting', status: 'open,done,missed' }),
  },
  meetingsHeld: {
    label: 'Meetings held',
    format: 'count',
    expr: (c) => count(c, sql`a.type = 'meeting' AND a.status = 'done'`),
    drill: () => ({ type: 'meeting', status: 'done' }),
  },
  demosScheduled: {
    label: 'Demos scheduled',
    format: 'count',
    expr: (c) => count(c, sql`a.channel = 'demo' AND a.status <> 'cancelled'`),
  },
  demosHeld: {
    label: 'Demos held',
    format: 'count',
    expr: (c) => count(c, sql`a.channel = 'demo' AND a.status = 'done'`),
  },
};

export const activitiesSubject: Subject = {
  key: 'activities',
  label: 'Activities',
  description: 'Follow-ups, calls, meetings and notes on the leads you see',
  from: (c) =>
    sql`${c.d.table('activities', 'a')} JOIN ${c.d.table('leads', 'l')} ON l.company_id = a.company_id AND l.id = a.lead_id`,
  scope: (c) => [c.leadScope, leadIsLive],
  permission: 'activities:read',
  leadFilters: true,
  list: 'activities',
  timeFields: {
    dueAt: { label: 'Due at', expr: sql`a.due_at`, drill: { kind: 'instants', from: 'dueFrom', to: 'dueTo' } },
    completedAt: { label: 'Completed at', expr: sql`a.completed_at` },
    createdAt: { label: 'Created at', expr: sql`a.created_at` },
  },
  defaultTime: 'dueAt',
  dimensions: {
    assigneeId: userDimension('Assignee', sql`a.assignee_id`, 'assigneeId'),
    type: keyed('Type', 'a.type', 'type'),
    status: keyed('Status', 'a.status', 'status'),
    channel: keyed('Channel', 'a.channel', null),
    callResult: keyed('Call result', 'a.call_result', null),
    ...leadDims,
  },
  measures,
};
