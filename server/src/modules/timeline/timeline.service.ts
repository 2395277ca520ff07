import { Type } from 'typebox';
import { withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { Nullable } from '../../http/schemas.ts';
import { fieldAccessFor, findVisibleLead } from '../leads/index.ts';

import { PersonRef } from './timeline.schemas.ts';
import { type TimelineEntry, timelineSources } from './timeline.sources.ts';

const kinds = () => timelineSources.map((s) => s.kind);

/** One entry: what every kind shares, plus the payload of its kind under the property named after it. */
export function timelineEntrySchema() {
  return Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      at: Type.String({ format: 'date-time' }),
      kind: Type.String({ description: `One of: ${kinds().join(', ')}` }),
      actor: Nullable(PersonRef, { description: 'Who did it; null when the system did (e.g. the assignment rules)' }),
      ...Object.fromEntries(timelineSources.map((s) => [s.kind, Type.Optional(s.schema)])),
    },
    { additionalProperties: false },
  );
}

function parseKinds(value: string | undefined, param: string): string[] | null {
  if (!value) return null;
  const wanted = [
    ...new Set(
      value
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = wanted.filter((k) => !kinds().includes(k));
  if (unknown.length > 0) {
    throw new AppError('validation_failed', `Unknown timeline kinds: ${unknown.join(', ')}`, {
      errors: [{ path: param, message: `must be among: ${kinds().join(', ')}` }],
    });
  }
  return wanted;
}

const newestFirst = (a: TimelineEntry, b: TimelineEntry) => b.atUs - a.atUs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A lead's history, newest first, merged from every source. Each source returns at most limit+1 entries
 * past the cursor; the page's entries are necessarily among them, and the extra one says whether more exist.
 */
export async function leadTimeline(
  deps: Deps,
  ctx: RequestContext,
  leadId: string,
  query: { limit: number; cursor?: string | undefined; kind?: string | undefined; kinds?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['number', 'uuid']);
  const wanted = query.kind ? parseKinds(query.kind, 'kind') : parseKinds(query.kinds, 'kinds');
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, leadId);
    if (!lead) throw notFound('lead');
    const access = await fieldAccessFor(trx, ctx.actor.role);
    const before = after ? { atUs: Number(after[0]), id: String(after[1]) } : null;
    const entries: TimelineEntry[] = [];
    for (const source of timelineSources) {
      if (wanted && !wanted.includes(source.kind)) continue;
      entries.push(...(await source.load(trx, { lead, access, before, limit: query.limit + 1 })));
    }
    entries.sort(newestFirst);
    const page = toPage(entries.slice(0, query.limit + 1), query.limit, (e) => [e.atUs, e.id]);
    return {
      data: page.data.map((e) => ({
        id: e.id,
        at: new Date(Math.floor(e.atUs / 1000)).toISOString(),
        kind: e.kind,
        actor: e.actor,
        [e.kind]: e.data,
      })),
      nextCursor: page.nextCursor,
    };
  });
}
