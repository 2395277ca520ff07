import { type Database, type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { RequestContext } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { entityNames, loggedEntityTypes } from './audit.names.ts';

/** Fields never written to the audit log, whatever entity they belong to. */
const SECRET_FIELDS = new Set([
  'password',
  'passwordHash',
  'password_hash',
  'key',
  'keyHash',
  'key_hash',
  'token',
  'tokenHash',
  'token_hash',
  'secret',
]);

type Snapshot = Record<string, unknown> | null | undefined;

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: Snapshot;
  after?: Snapshot;
  /** When it happened, from the app's clock; the database's time when absent. */
  at?: Date;
}

/** `{field: {from, to}}` for the fields that changed; secrets are named but never shown. */
export function diff(before: Snapshot, after: Snapshot): Record<string, { from: unknown; to: unknown }> | null {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    const from = normalise(before?.[key]);
    const to = normalise(after?.[key]);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes[key] = SECRET_FIELDS.has(key) ? { from: '[redacted]', to: '[redacted]' } : { from, to };
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}

/** Written in the caller's transaction: the change and its audit row commit together or not at all. */
export async function recordAudit(trx: Tx, ctx: RequestContext, input: AuditInput): Promise<void> {
  const changes = diff(input.before, input.after);
  await trx
    .insertInto('audit_log')
    .values({
      company_id: ctx.actor.companyId,
      id: newId(),
      actor_user_id: ctx.actor.userId,
      actor_api_key_id: ctx.actor.apiKeyId,
      action: input.action,
      entity_type: input.entityType,
      entity_id: input.entityId,
      changes: changes ? JSON.stringify(changes) : null,
      request_id: ctx.requestId,
      ip: ctx.ip,
      ...(input.at ? { at: input.at } : {}),
    })
    .execute();
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export async function listAudit(db: Database, ctx: RequestContext, query: AuditQuery) {
  const after = decodeCursor(query.cursor, ['uuid']);
  const { rows, names } = await withTenant(db, ctx.actor.companyId, async (trx) => {
    let q = trx
      .selectFrom('audit_log as a')
      .leftJoin('users as u', (join) =>
        join.onRef('u.company_id', '=', 'a.company_id').onRef('u.id', '=', 'a.actor_user_id'),
      )
      .select([
        'a.id',
        'a.at',
        'a.action',
        'a.entity_type',
        'a.entity_id',
        'a.actor_user_id',
        'a.actor_api_key_id',
        'u.name as actor_name',
        'a.changes',
        'a.request_id',
        'a.ip',
      ]);
    if (query.entityType) q = q.where('a.entity_type', '=', query.entityType);
    if (query.entityId) q = q.where('a.entity_id', '=', query.entityId);
    if (query.actorId) q = q.where('a.actor_user_id', '=', query.actorId);
    if (query.from) q = q.where('a.at', '>=', new Date(query.from));
    if (query.to) q = q.where('a.at', '<', new Date(query.to));
    if (after) q = q.where('a.id', '<', String(after[0]));
    const found = await q
      .orderBy('a.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const entities = found.map((r) => ({ entityType: r.entity_type, entityId: r.entity_id }));
    return { rows: found, names: await entityNames(trx, ctx.actor, entities) };
  });
  const page = toPage(rows, query.limit, (r) => [r.id]);
  return {
    nextCursor: page.nextCursor,
    data: page.data.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      entityName: r.entity_id ? (names.get(`${r.entity_type}|${r.entity_id}`) ?? null) : null,
      actorUserId: r.actor_user_id,
      actorApiKeyId: r.actor_api_key_id,
      actorName: r.actor_name,
      changes: (r.changes as Record<string, unknown> | null) ?? null,
      requestId: r.request_id,
      ip: r.ip,
    })),
  };
}

/** The kinds of record in the company's log, for the log's filter. */
export async function listAuditEntityTypes(db: Database, ctx: RequestContext) {
  return { data: await withTenant(db, ctx.actor.companyId, (trx) => loggedEntityTypes(trx)) };
}
