import { type Static, Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { recordAudit } from '../audit/index.ts';
import { iterateLeadRows } from '../leads/index.ts';
import { notify } from '../notifications/index.ts';
import { can, type Role } from '../users/index.ts';
import { type ItemOutcome, runItem } from './bulk-actions.items.ts';
import { actionPermission } from './bulk-actions.permissions.ts';
import * as repo from './bulk-actions.repository.ts';
import { type BulkActionKind, type BulkActionParamsInput, FILTER_MAX } from './bulk-actions.schemas.ts';

const BulkActionPayload = Type.Object(
  { bulkActionId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
type BulkActionPayload = Static<typeof BulkActionPayload>;

/** A run of a bulk action: the first lists its leads, each later one works through the next of them. */
export const bulkActionJob = defineJob({
  kind: 'bulk_action.run',
  payload: BulkActionPayload,
  handler: (trx, deps, job) => runBulkActionJob(trx, deps, job),
});

export const bulkActionsJobs = [bulkActionJob];

/**
 * A run works through items until this much time has passed, then hands over to the next run: well inside the
 * job lease, and other companies' jobs get their turn.
 */
const RUN_BUDGET_MS = 20_000;
const CHUNK = 100;

/** The creator as it is now: a bulk action acts with its creator's current role, and stops if it left. */
async function creatorContext(trx: Tx, row: repo.BulkActionRow): Promise<RequestContext | null> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'role', 'name', 'email', 'manager_id', 'active'])
    .where('id', '=', row.created_by)
    .executeTakeFirst();
  if (!user?.active) return null;
  return {
    actor: {
      userId: user.id,
      companyId: row.company_id,
      role: user.role as Role,
      name: user.name,
      email: user.email,
      managerId: user.manager_id,
      sessionId: null,
      apiKeyId: row.api_key_id,
    },
    requestId: row.request_id,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

const ACTION_NAMES: Record<BulkActionKind, string> = {
  assign: 'assign',
  partner: 'hand to partner',
  stage: 'stage change',
  tag: 'tagging',
  untag: 'untagging',
  delete: 'delete',
};

async function finish(
  trx: Tx,
  deps: Deps,
  row: repo.BulkActionRow,
  ctx: RequestContext | null,
  outcome: { status: 'done' | 'failed'; error?: string },
) {
  const now = deps.clock.now();
  await repo.markFinished(trx, row.id, outcome, now);
  const after = (await repo.findBulkAction(trx, row.id)) ?? row;
  const name = ACTION_NAMES[row.action as BulkActionKind] ?? row.action;
  const title =
    outcome.status === 'failed'
      ? `Bulk ${name} stopped: ${outcome.error}`
      : `Bulk ${name} finished: ${after.done} done${after.failed ? `, ${after.failed} failed` : ''}`;
  await notify(trx, { companyId: row.company_id, userId: row.created_by, kind: 'bulk_action', title, now });
  if (ctx) {
    await recordAudit(trx, ctx, {
      action: 'bulk_action.finished',
      entityType: 'bulk_action',
      entityId: row.id,
      before: { status: row.status },
      after: {
        status: outcome.status,
        total: after.total,
        done: after.done,
        failed: after.failed,
        error: outcome.error ?? null,
      },
      at: now,
    });
  }
}

/** Lists a filter's leads as the creator sees them now, into items; a filter reaching too many stops the action. */
async function listItems(trx: Tx, deps: Deps, row: repo.BulkActionRow, ctx: RequestContext): Promise<number | null> {
  let total = 0;
  for await (const page of iterateLeadRows(deps, ctx, { ...(row.filter as Record<string, unknown>) })) {
    if (total + page.rows.length > FILTER_MAX) return null;
    await repo.insertItems(
      trx,
      row.company_id,
      row.id,
      page.rows.map((r) => r.id),
      total,
    );
    total += page.rows.length;
  }
  return total;
}

/**
 * The durable job of a bulk action. Its first run lists a filter's leads (ids were listed when it was asked)
 * and marks it running; each later run works through pending items, each in a transaction of its own with its
 * outcome recorded as soon as it is known, so progress shows as it happens and a run cut short (a restart)
 * resumes at the first item without an outcome. The last run marks it done and tells its creator.
 */
export async function runBulkActionJob(trx: Tx, deps: Deps, job: Job<BulkActionPayload>): Promise<void> {
  const row = await repo.findBulkAction(trx, job.payload.bulkActionId);
  if (!row || row.status === 'done' || row.status === 'failed') return;
  const ctx = await creatorContext(trx, row);
  const action = row.action as BulkActionKind;
  if (!ctx) return finish(trx, deps, row, null, { status: 'failed', error: 'its creator is no longer active' });
  if (!can(ctx.actor.role, actionPermission[action])) {
    return finish(trx, deps, row, ctx, { status: 'failed', error: `its creator lost ${actionPermission[action]}` });
  }
  const next = () => enqueue(trx, bulkActionJob, { bulkActionId: row.id }, { runAt: deps.clock.now() });

  if (row.status === 'queued') {
    let total: number | null;
    try {
      total = row.filter ? await listItems(trx, deps, row, ctx) : row.total;
    } catch (error) {
      // The filter no longer reads as it did (a custom field it names was removed): nothing was done.
      if (!(error instanceof AppError)) throw error;
      await trx.deleteFrom('bulk_action_items').where('bulk_action_id', '=', row.id).execute();
      return finish(trx, deps, row, ctx, { status: 'failed', error: `its filter: ${error.detail ?? error.message}` });
    }
    if (total === null) {
      await trx.deleteFrom('bulk_action_items').where('bulk_action_id', '=', row.id).execute();
      return finish(trx, deps, row, ctx, {
        status: 'failed',
        error: `the filter reaches more than ${FILTER_MAX.toLocaleString('en')} leads; narrow it`,
      });
    }
    await repo.markStarted(trx, row.id, total ?? 0, deps.clock.now());
    await next();
    return;
  }

  const params = row.params as BulkActionParamsInput;
  const started = Date.now();
  for (;;) {
    const items = await repo.pendingItems(trx, row.id, CHUNK);
    if (items.length === 0) return finish(trx, deps, row, ctx, { status: 'done' });
    for (const item of items) {
      const outcome = await runItem(deps, ctx, action, params, item.lead_id).catch(
        // A fault of ours on one lead (a bug, a lost connection) must not leave the action running for ever:
        // that lead fails, and recording it fails too when the database is gone, which retries the run.
        (): ItemOutcome => ({ status: 'failed', code: 'internal', message: 'Something went wrong on our side' }),
      );
      // Committed at once, not with the run: progress is visible while the run goes on.
      await withTenant(deps.db, row.company_id, (own) => repo.recordOutcome(own, row.id, item.position, outcome));
    }
    if (Date.now() - started > RUN_BUDGET_MS) {
      await next();
      return;
    }
  }
}
