import { type TSchema, Type } from 'typebox';
import type { Tx } from '../../db/client.ts';
import { Nullable } from '../../http/schemas.ts';
import { activitySource } from '../activities/index.ts';
import { emailEventSource, emailSource } from '../email/index.ts';
import { erpTimelineSource } from '../erp/index.ts';
import { facebookTimelineSource } from '../facebook/index.ts';
import {
  accessFieldOf,
  type ControlledField,
  customAccess,
  type FieldAccess,
  type LeadRow,
  leadField,
} from '../leads/index.ts';

import { mergeSource, mergeUndoneSource } from '../merges/index.ts';
import { ticketTimelineSource } from '../tickets/index.ts';
import { trashTimelineSource } from '../trash/index.ts';
import { whatsappTimelineSource } from '../whatsapp/index.ts';
import { listNotes } from './notes.repository.ts';
import * as repo from './timeline.repository.ts';
import { PersonRef } from './timeline.schemas.ts';

/**
 * The lead timeline is merged from sources, one per kind of entry. A module that adds a kind (activities,
 * emails, WhatsApp messages) writes one TimelineSource and appends it to `timelineSources` below; the route's
 * response schema and the merge pick it up from there. A source:
 *  - names its `kind` and the `schema` of its payload (the entry carries it under a property of that name);
 *  - `load`s, newest first, at most `limit` of the lead's entries strictly older than `before` (null: from the
 *    newest), ordered by (time, id) descending: `repo.olderThan` and `repo.atMicros` build that keyset;
 *  - shows only what the caller may see: `access` holds the caller's field permissions.
 * Entry ids must be unique across sources (use the row's own UUID).
 */
export interface TimelineSource {
  kind: string;
  schema: TSchema;
  load(trx: Tx, query: SourceQuery): Promise<TimelineEntry[]>;
}

export interface SourceQuery {
  lead: LeadRow;
  access: FieldAccess;
  before: repo.Cursor | null;
  limit: number;
}

export interface TimelineEntry {
  id: string;
  /** Microseconds since the epoch: the sort key, with the id. */
  atUs: number;
  kind: string;
  actor: { id: string; name: string } | null;
  data: Record<string, unknown>;
}

const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

const notes: TimelineSource = {
  kind: 'note',
  schema: Type.Object({
    body: Type.String(),
    mentions: Type.Array(Type.String({ format: 'uuid' })),
    edited: Type.Boolean(),
  }),
  async load(trx, q) {
    const rows = await listNotes(trx, q.lead.id, { limit: q.limit, before: q.before });
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'note',
      actor: person(r.author_id, r.author_name),
      data: {
        body: r.body,
        mentions: r.mentions,
        edited: new Date(r.updated_at).getTime() !== new Date(r.created_at).getTime(),
      },
    }));
  },
};

const stages: TimelineSource = {
  kind: 'stage',
  schema: Type.Object({
    from: Nullable(Type.String()),
    to: Type.String(),
    secondsInPrevious: Nullable(Type.Integer()),
  }),
  async load(trx, q) {
    const rows = await repo.stageMoves(trx, q.lead.id, q.before, q.limit);
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'stage',
      actor: person(r.by_user_id, r.by_user_name),
      data: {
        from: r.from_stage,
        to: r.to_stage,
        secondsInPrevious: r.seconds_in_previous === null ? null : Number(r.seconds_in_previous),
      },
    }));
  },
};

/** Who got the lead and why (rule, strategy, manual, SLA); hidden from roles that do not see its owner. */
const assignments: TimelineSource = {
  kind: 'assignment',
  schema: Type.Object({
    reason: Type.String(),
    channel: Type.String(),
    ruleId: Nullable(Type.String({ format: 'uuid' })),
    ruleName: Nullable(Type.String()),
    strategy: Nullable(Type.String()),
    owner: Nullable(PersonRef),
    previousOwnerId: Nullable(Type.String({ format: 'uuid' })),
    detail: Nullable(Type.String()),
  }),
  async load(trx, q) {
    if (q.access.fields.ownerId === 'hidden') return [];
    const rows = await repo.assignments(trx, q.lead.id, q.before, q.limit);
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'assignment',
      actor: person(r.by_user_id, r.by_user_name),
      data: {
        reason: r.reason,
        channel: r.channel,
        ruleId: r.rule_id,
        ruleName: r.rule_name,
        strategy: r.strategy,
        owner: person(r.owner_id, r.owner_name),
        previousOwnerId: r.previous_owner_id,
        detail: r.detail,
      },
    }));
  },
};

type Changes = Record<string, { from: unknown; to: unknown }>;

/** Stage and owner moves have entries of their own; hidden fields are never shown, not even that they changed. */
function visibleChanges(changes: Changes, access: FieldAccess): Changes | null {
  const visible: Changes = {};
  for (const [field, change] of Object.entries(changes)) {
    if (field === 'stage' || field === 'ownerId') continue;
    const shown = field.startsWith('customFields.')
      ? customAccess(access, field.slice('customFields.'.length)) !== 'hidden'
      : leadField(field)?.timeline === true &&
        (accessFieldOf(field) === null || access.fields[accessFieldOf(field) as ControlledField] !== 'hidden');
    if (shown) visible[field] = change;
  }
  return Object.keys(visible).length > 0 ? visible : null;
}

const changes: TimelineSource = {
  kind: 'change',
  schema: Type.Object({
    action: Type.String({ description: 'The audit action, e.g. lead.updated' }),
    changes: Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() })),
  }),
  async load(trx, q) {
    // Rows whose every change is hidden are dropped, so read on until the page is full or the rows run out.
    const entries: TimelineEntry[] = [];
    let before = q.before;
    for (;;) {
      const rows = await repo.leadChanges(trx, q.lead.id, before, q.limit);
      for (const r of rows) {
        const visible = visibleChanges((r.changes ?? {}) as Changes, q.access);
        if (visible) {
          entries.push({
            id: r.id,
            atUs: Number(r.at_us),
            kind: 'change',
            actor: person(r.actor_user_id, r.actor_name),
            data: { action: r.action, changes: visible },
          });
        }
      }
      const last = rows.at(-1);
      if (entries.length >= q.limit || rows.length < q.limit || !last) return entries.slice(0, q.limit);
      before = { atUs: Number(last.at_us), id: last.id };
    }
  },
};

const created: TimelineSource = {
  kind: 'created',
  schema: Type.Object({
    via: Type.String({ description: 'The channel it came in through: ui, api, bulk, web_form, import, ...' }),
    source: Type.Optional(Type.String()),
  }),
  async load(trx, q) {
    const row = await repo.leadCreation(trx, q.lead.id);
    if (!row) return [];
    const atUs = Number(row.at_us);
    if (q.before && (atUs > q.before.atUs || (atUs === q.before.atUs && row.id >= q.before.id))) return [];
    return [
      {
        id: row.id,
        atUs,
        kind: 'created',
        actor: person(row.created_by, row.created_by_name),
        data: { via: row.created_via, ...(q.access.fields.source !== 'hidden' ? { source: row.source } : {}) },
      },
    ];
  },
};

/** Every source of the timeline; later modules append theirs here. */
export const timelineSources: TimelineSource[] = [
  notes,
  stages,
  assignments,
  changes,
  created,
  whatsappTimelineSource,
  facebookTimelineSource,
  mergeSource,
  mergeUndoneSource,
  emailSource,
  emailEventSource,
  activitySource,
  trashTimelineSource,
  ticketTimelineSource,
  erpTimelineSource,
];
