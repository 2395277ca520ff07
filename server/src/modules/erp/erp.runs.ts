import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { notify } from '../notifications/index.ts';
import { activeAdmins } from '../users/index.ts';
import { ErpError } from './connector.ts';
import type { ConnectionRow, RunRow } from './erp.repository.ts';
import * as repo from './erp.repository.ts';

export type RunKind = 'sync' | 'push' | 'consistency';
export type RunTrigger = 'manual' | 'schedule' | 'notification' | 'won' | 'retry';
export type Counts = Record<string, number>;

export async function insertRun(
  trx: Tx,
  deps: Deps,
  connection: ConnectionRow,
  kind: RunKind,
  trigger: RunTrigger,
  requestedBy: string | null,
  status: 'queued' | 'running' = 'queued',
): Promise<RunRow> {
  const now = deps.clock.now();
  return trx
    .insertInto('erp_runs')
    .values({
      company_id: connection.company_id,
      id: newId(),
      connection_id: connection.id,
      kind,
      trigger,
      status,
      requested_by: requestedBy,
      created_at: now,
      started_at: status === 'running' ? now : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A queued run and its connection, or null when the run was taken or its connection deleted meanwhile. */
export function loadQueuedRun(deps: Deps, companyId: string, runId: string) {
  return withTenant(deps.db, companyId, async (trx) => {
    const run = await repo.findRun(trx, runId);
    if (run?.status !== 'queued') return null;
    const connection = await repo.findConnection(trx, run.connection_id);
    return connection ? { run, connection } : null;
  });
}

/** Records progress in its own transaction, so that people watching a long first sync see it move. */
export function progress(deps: Deps, run: RunRow, phase: string, counts: Counts) {
  return withTenant(deps.db, run.company_id, (trx) =>
    trx
      .updateTable('erp_runs')
      .set({ phase, counts: JSON.stringify(counts), status: 'running', started_at: run.started_at ?? deps.clock.now() })
      .where('id', '=', run.id)
      .execute(),
  );
}

/** Ends a run and keeps the connection's health (last run, last success, last error) in step. */
export async function finishRun(
  deps: Deps,
  run: RunRow,
  outcome: { counts: Counts; error?: unknown; report?: unknown },
): Promise<void> {
  const now = deps.clock.now();
  const message = outcome.error ? errorText(outcome.error) : null;
  await withTenant(deps.db, run.company_id, async (trx) => {
    await trx
      .updateTable('erp_runs')
      .set({
        status: message ? 'failed' : 'succeeded',
        phase: null,
        counts: JSON.stringify(outcome.counts),
        report: outcome.report === undefined ? null : JSON.stringify(outcome.report),
        error: message,
        started_at: run.started_at ?? now,
        finished_at: now,
      })
      .where('id', '=', run.id)
      .execute();
    await trx
      .updateTable('erp_connections')
      .set(
        message
          ? { last_run_at: now, last_error: message, last_error_at: now }
          : { last_run_at: now, last_success_at: now },
      )
      .where('id', '=', run.connection_id)
      .execute();
    if (outcome.error instanceof ErpError && outcome.error.kind === 'auth_revoked') {
      await markBroken(trx, deps, run.connection_id, message ?? 'authorization revoked');
    }
  });
}

export function errorText(error: unknown): string {
  if (error instanceof ErpError) return error.vendorCode ? `${error.message} (${error.vendorCode})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A connection whose grant was revoked or whose credentials are refused is broken until an admin reconnects:
 * nothing is pushed or read meanwhile, and every active admin is told once.
 */
export async function markBroken(trx: Tx, deps: Deps, connectionId: string, reason: string): Promise<void> {
  const changed = await trx
    .updateTable('erp_connections')
    .set({ status: 'broken', status_reason: reason, updated_at: deps.clock.now() })
    .where('id', '=', connectionId)
    .where('status', '!=', 'broken')
    .returning(['company_id', 'name'])
    .executeTakeFirst();
  if (!changed) return;
  for (const adminId of await activeAdmins(trx)) {
    await notify(trx, {
      companyId: changed.company_id,
      userId: adminId,
      kind: 'erp_connection_broken',
      title: `ERP connection "${changed.name}" needs reconnecting`,
      body: reason,
      now: deps.clock.now(),
    });
  }
}
