import { withTenant } from '../../db/client.ts';
import { decodeCursor, encodeCursor } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { toActivity } from './activities.dto.ts';
import * as repo from './activities.repository.ts';
import { activityStatuses, activityTypes, type ListActivitiesInput, scheduledTypes } from './activities.schemas.ts';
import { dayAndWeek } from './activities.time.ts';

/** A comma-separated list of known values; an unknown one is a 400 naming the parameter. */
function csv(value: string | undefined, allowed: readonly string[], field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = [
    ...new Set(
      value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = items.filter((v) => !allowed.includes(v));
  if (items.length === 0 || unknown.length > 0) {
    throw new AppError('validation_failed', `Unknown ${field}: ${unknown.join(', ') || '(none)'}`, {
      errors: [{ path: field, message: `must be among: ${allowed.join(', ')}` }],
    });
  }
  return items;
}

const intersect = (wanted: string[] | undefined, allowed: readonly string[]) =>
  (wanted ?? [...allowed]).filter((v) => allowed.includes(v));
const later = (a: Date | undefined, b: Date) => (a && a > b ? a : b);
const earlier = (a: Date | undefined, b: Date) => (a && a < b ? a : b);

/**
 * Activities on the leads the caller sees, by due time. Ranges are the caller's own days: "today" in Kolkata
 * is not today in New York. The cursor carries its sort, so it cannot be replayed against another.
 */
export async function listActivities(deps: Deps, ctx: RequestContext, query: ListActivitiesInput & { limit: number }) {
  const sort = query.sort ?? 'dueAt';
  const after = decodeCursor(query.cursor, ['string', 'string', 'uuid']);
  if (after && (after[0] !== sort || Number.isNaN(Date.parse(String(after[1]))))) {
    throw new AppError('validation_failed', 'The cursor belongs to another sort', {
      errors: [{ path: 'cursor', message: 'was issued for another sort' }],
    });
  }
  let types = csv(query.type, activityTypes, 'type');
  let statuses = csv(query.status, activityStatuses, 'status');
  let dueFrom = query.dueFrom ? new Date(query.dueFrom) : undefined;
  let dueTo = query.dueTo ? new Date(query.dueTo) : undefined;
  const now = deps.clock.now();

  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (query.range === 'overdue') {
      statuses = intersect(statuses, ['open', 'missed']);
      types = intersect(types, scheduledTypes);
      dueTo = earlier(dueTo, now);
    } else if (query.range) {
      const zone = await repo.timezoneOf(trx, ctx.actor.userId);
      const window = dayAndWeek(now, zone)[query.range === 'today' ? 'today' : 'week'];
      dueFrom = later(dueFrom, window.from);
      dueTo = earlier(dueTo, window.to);
    }
    if (types?.length === 0 || statuses?.length === 0 || (dueFrom && dueTo && dueFrom >= dueTo)) {
      return { data: [], nextCursor: null };
    }
    const assigneeId = query.assigneeId === 'me' ? ctx.actor.userId : query.assigneeId;
    const rows = await repo.listActivities(trx, ctx.actor, {
      ...(assigneeId ? { assigneeId } : {}),
      ...(query.leadId ? { leadId: query.leadId } : {}),
      ...(types ? { types } : {}),
      ...(statuses ? { statuses } : {}),
      ...(dueFrom ? { dueFrom } : {}),
      ...(dueTo ? { dueTo } : {}),
      descending: sort === '-dueAt',
      after: after ? { dueAt: String(after[1]), id: String(after[2]) } : null,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => toActivity(row, now)),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor([sort, new Date(last.due_at).toISOString(), last.id]) : null,
    };
  });
}
