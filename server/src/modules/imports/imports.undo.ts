import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { writeLead } from '../leads/commands.ts';
import { findLead } from '../leads/index.ts';

import { importerContext } from './imports.env.ts';
import { chunkHandler, importUndoJob } from './imports.jobs.ts';
import * as repo from './imports.repository.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Trashes the chunk's created leads that are still live, in one statement, with a `lead.deleted` audit entry
 * each (as a delete from the lead page writes). Returns how many went to the trash.
 */
async function trashCreated(trx: Tx, ctx: RequestContext, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const trashed = await sql<{ id: string; name: string }>`
    UPDATE leads SET deleted_at = ${now}, deleted_by = ${ctx.actor.userId}, updated_at = ${now}, version = version + 1
    WHERE id = ANY(${ids}::uuid[]) AND deleted_at IS NULL AND merged_into IS NULL
    RETURNING id, name`.execute(trx);
  if (trashed.rows.length === 0) return 0;
  const at = now.toISOString();
  const entries = trashed.rows.map((r) => ({
    company_id: ctx.actor.companyId,
    id: newId(),
    actor_user_id: ctx.actor.userId,
    action: 'lead.deleted',
    entity_type: 'lead',
    entity_id: r.id,
    changes: {
      deletedAt: { from: null, to: at },
      deletedBy: { from: null, to: ctx.actor.userId },
    },
    request_id: ctx.requestId,
    ip: ctx.ip,
    at,
  }));
  await sql`INSERT INTO audit_log (company_id, id, actor_user_id, action, entity_type, entity_id, changes, request_id, ip, at)
    SELECT company_id, id, actor_user_id, action, entity_type, entity_id, changes, request_id, ip, at
    FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) AS x(company_id uuid, id uuid, actor_user_id uuid,
      action text, entity_type text, entity_id uuid, changes jsonb, request_id text, ip text, at timestamptz)`.execute(
    trx,
  );
  return trashed.rows.length;
}

/**
 * Puts back what a merged row changed on a lead, field by field: a field someone changed since the import keeps
 * its newer value. Returns whether anything was put back.
 */
async function revertUpdate(trx: Tx, deps: Deps, ctx: RequestContext, outcome: repo.Outcome): Promise<boolean> {
  if (!outcome.lead || !outcome.before || !outcome.after) return false;
  const live = await trx
    .selectFrom('leads')
    .select('id')
    .where('id', '=', outcome.lead)
    .where('deleted_at', 'is', null)
    .where('merged_into', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  const current = live ? await findLead(trx, outcome.lead) : undefined;
  if (!current) return false;
  const held = current as unknown as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(outcome.after)) {
    if (same(held[column], value)) changes[column] = outcome.before[column] ?? null;
  }
  if (Object.keys(changes).length === 0) return false;
  await writeLead(trx, deps, ctx, current, changes, 'lead.updated');
  return true;
}

/** One chunk of an undo; the last one marks the import undone and records what was taken back. */
async function undoChunk(trx: Tx, deps: Deps, imp: repo.ImportRow, chunk: number): Promise<void> {
  const now = deps.clock.now();
  const ctx = await importerContext(trx, imp, imp.undone_by ?? imp.created_by, `import-undo:${imp.id}`);
  const stored = await repo.loadChunk(trx, imp.id, chunk);
  const outcomes = stored?.outcomes ?? [];
  const created = outcomes.filter((o) => o.o === 'created' && o.lead).map((o) => o.lead as string);
  const trashed = await trashCreated(trx, ctx, created, now);
  let reverted = 0;
  for (const outcome of outcomes.filter((o) => o.o === 'updated')) {
    if (await revertUpdate(trx, deps, ctx, outcome)) reverted++;
  }
  await sql`UPDATE imports SET undo_trashed = undo_trashed + ${trashed}, undo_reverted = undo_reverted + ${reverted},
    updated_at = ${now} WHERE id = ${imp.id}`.execute(trx);
  if (chunk + 1 < imp.chunk_count) {
    await enqueue(trx, importUndoJob, { importId: imp.id, chunk: chunk + 1 }, { runAt: now });
    return;
  }
  await repo.updateImport(trx, imp.id, { status: 'undone', undone_at: now, updated_at: now });
  const undo = {
    trashed: imp.undo_trashed + trashed,
    reverted: imp.undo_reverted + reverted,
  };
  await recordAudit(trx, ctx, {
    action: 'import.undone',
    entityType: 'import',
    entityId: imp.id,
    before: { status: 'done' },
    after: { status: 'undone', trashed: undo.trashed, reverted: undo.reverted },
    at: now,
  });
}

export const runImportUndo = chunkHandler('undo', undoChunk);
