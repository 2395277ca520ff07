/**
 * People and records around the leads: sign-ins, assignments (with SLA reassignments), merges, duplicate groups
 * and imports. ClickHouse holds none of these tables: they are always answered by PostgreSQL.
 */
import { type RawBuilder, sql } from 'kysely';
import { keptScope } from '../../../access/policy.ts';
import { leadIsLive } from '../../leads/scope.ts';
import { userVisibleTo } from '../../users/index.ts';
import type { Dimension, Subject } from '../semantic.ts';
import { leadDimensions, userDimension } from './lead-parts.ts';

const count = (where: RawBuilder<unknown>) => sql`count(*) FILTER (WHERE ${where})`;
const text = (label: string, column: string): Dimension => ({ label, kind: 'text', expr: () => sql.ref(column) });
const leadDims = leadDimensions();
const pick = (...keys: string[]) =>
  Object.fromEntries(keys.flatMap((k) => (leadDims[k] ? [[k, { ...leadDims[k], drill: () => null }]] : [])));

export const loginsSubject: Subject = {
  key: 'logins',
  clickhouse: false,
  label: 'Sign-ins',
  description: 'Successful sign-ins of the people you see, with the first and last of each day',
  from: () => sql`auth_events e JOIN users u ON u.company_id = e.company_id AND u.id = e.user_id`,
  scope: (c) => [userVisibleTo(c.actor), sql<boolean>`e.event = 'login' AND e.outcome = 'success'`],
  permission: 'users:activity',
  leadFilters: false,
  list: null,
  timeFields: { at: { label: 'Signed in at', expr: sql`e.at` } },
  defaultTime: 'at',
  dimensions: {
    userId: userDimension('Person', sql`e.user_id`, null),
    role: text('Role', 'u.role'),
  },
  measures: {
    logins: { label: 'Sign-ins', format: 'count', expr: () => sql`count(*)` },
    people: { label: 'People', format: 'count', expr: () => sql`count(DISTINCT e.user_id)` },
    firstAt: { label: 'First sign-in', format: 'datetime', expr: () => sql`min(e.at)` },
    lastAt: { label: 'Last sign-in', format: 'datetime', expr: () => sql`max(e.at)` },
  },
};

export const assignmentsSubject: Subject = {
  key: 'assignments',
  clickhouse: false,
  label: 'Assignments',
  description: 'Every assignment of a lead: by rule, by hand, or on a missed response (SLA)',
  from: () => sql`lead_assignments s JOIN leads l ON l.company_id = s.company_id AND l.id = s.lead_id`,
  scope: (c) => [c.leadScope, leadIsLive],
  leadFilters: true,
  list: null,
  timeFields: { at: { label: 'Assigned at', expr: sql`s.at` } },
  defaultTime: 'at',
  dimensions: {
    assignedTo: userDimension('Assigned to', sql`s.owner_id`, null, { field: 'ownerId' }),
    previousOwner: userDimension('Previous owner', sql`s.previous_owner_id`, null, { field: 'ownerId' }),
    reason: text('Why', 's.reason'),
    strategy: text('Strategy', 's.strategy'),
    rule: text('Rule', 's.rule_name'),
    channel: text('Channel', 's.channel'),
    ...pick('source', 'team'),
  },
  measures: {
    assignments: { label: 'Assignments', format: 'count', expr: () => sql`count(*)` },
    reassignments: {
      label: 'Reassignments',
      format: 'count',
      expr: () => count(sql`s.previous_owner_id IS NOT NULL`),
    },
    slaBreaches: { label: 'SLA breaches', format: 'count', expr: () => count(sql`s.reason = 'sla'`) },
    byRule: { label: 'By rule', format: 'count', expr: () => count(sql`s.reason = 'rule'`) },
    leftUnassigned: { label: 'No one eligible', format: 'count', expr: () => count(sql`s.reason = 'unassigned'`) },
  },
};

export const mergesSubject: Subject = {
  key: 'merges',
  clickhouse: false,
  label: 'Merges',
  description: 'Duplicates merged into a surviving lead (and merges undone)',
  from: () => sql`lead_merges g JOIN leads l ON l.company_id = g.company_id AND l.id = g.survivor_id`,
  scope: (c) => [c.leadScope, leadIsLive],
  permission: 'leads:merge',
  leadFilters: true,
  list: null,
  timeFields: { at: { label: 'Merged at', expr: sql`g.at` } },
  defaultTime: 'at',
  dimensions: { mergedBy: userDimension('Merged by', sql`g.by_user_id`, null), ...pick('source', 'ownerId') },
  measures: {
    merges: { label: 'Merges', format: 'count', expr: () => count(sql`g.undone_at IS NULL`) },
    leadsMerged: {
      label: 'Leads merged away',
      format: 'count',
      expr: () => sql`coalesce(sum(cardinality(g.merged_ids)) FILTER (WHERE g.undone_at IS NULL), 0)`,
    },
    undone: { label: 'Undone', format: 'count', expr: () => count(sql`g.undone_at IS NOT NULL`) },
  },
};

export const duplicatesSubject: Subject = {
  key: 'duplicates',
  clickhouse: false,
  label: 'Duplicate groups',
  description: 'Groups of likely duplicates found when leads came in or by the nightly scan, and what became of them',
  from: () => sql`duplicate_groups d`,
  scope: () => [],
  permission: 'duplicates:manage',
  leadFilters: false,
  list: null,
  timeFields: { createdAt: { label: 'Found at', expr: sql`d.created_at` } },
  defaultTime: 'createdAt',
  dimensions: { origin: text('Found when', 'd.origin'), status: text('Status', 'd.status') },
  measures: {
    groups: { label: 'Groups', format: 'count', expr: () => sql`count(*)` },
    merged: { label: 'Merged', format: 'count', expr: () => count(sql`d.status = 'merged'`) },
    dismissed: { label: 'Not duplicates', format: 'count', expr: () => count(sql`d.status = 'dismissed'`) },
    open: { label: 'To review', format: 'count', expr: () => count(sql`d.status = 'open'`) },
  },
};

export const importsSubject: Subject = {
  key: 'imports',
  clickhouse: false,
  label: 'Imports',
  description: 'Files imported, and what became of their rows',
  from: () => sql`imports i`,
  scope: (c) => {
    const mine = keptScope(c.actor);
    return mine ? [sql<boolean>`i.created_by = ${mine}`] : [];
  },
  permission: 'leads:import',
  leadFilters: false,
  list: null,
  timeFields: { createdAt: { label: 'Uploaded at', expr: sql`i.created_at` } },
  defaultTime: 'createdAt',
  dimensions: {
    createdBy: userDimension('Imported by', sql`i.created_by`, null),
    format: text('Format', 'i.format'),
    status: text('Status', 'i.status'),
  },
  measures: {
    imports: { label: 'Imports', format: 'count', expr: () => sql`count(*)` },
    rows: { label: 'Rows', format: 'count', expr: () => sql`coalesce(sum(i.total_rows), 0)` },
    created: { label: 'Created', format: 'count', expr: () => sql`coalesce(sum(i.created_count), 0)` },
    updated: { label: 'Updated', format: 'count', expr: () => sql`coalesce(sum(i.updated_count), 0)` },
    skipped: { label: 'Skipped', format: 'count', expr: () => sql`coalesce(sum(i.skipped_count), 0)` },
    failed: { label: 'Failed', format: 'count', expr: () => sql`coalesce(sum(i.failed_count), 0)` },
  },
};
