import { sql } from 'kysely';
import type { Static, TSchema } from 'typebox';
import type { Tx } from '../db/client.ts';
import { newId } from '../lib/ids.ts';
import { checkPayload, type JobDefinition } from './define.ts';

export type { Job } from './define.ts';

/** Announces committed jobs that are due now, so a listening worker takes them at once instead of at its poll. */
export const JOBS_CHANNEL = 'iperform_jobs';

export interface EnqueueOptions {
  /** When it is due, by the app clock (deps.clock), which is what the runner claims by. */
  runAt: Date;
  /** The app clock's now (the job's creation time); without it, `runAt`. */
  now?: Date;
}

/**
 * Adds a job in the caller's tenant transaction, for that transaction's company: the write that causes it
 * and the job commit together or not at all. The payload is checked against the kind's schema first (a
 * JobPayloadError names what is wrong). A job due now wakes the workers when the transaction commits
 * (NOTIFY is delivered on commit only, and not at all on rollback).
 */
export async function enqueue<P extends TSchema>(
  trx: Tx,
  definition: JobDefinition<P>,
  payload: Static<P>,
  options: EnqueueOptions,
): Promise<string> {
  checkPayload(definition, payload);
  const id = newId();
  const now = options.now ?? options.runAt;
  await trx
    .insertInto('jobs')
    .values({
      id,
      company_id: sql<string>`app_current_company()`,
      kind: definition.kind,
      run_at: options.runAt,
      payload: JSON.stringify(payload),
      created_at: now,
    })
    .execute();
  if (options.runAt.getTime() <= now.getTime()) await wake(trx, definition.kind);
  return id;
}

/**
 * Adds many jobs of one kind in one statement (rows of an import), each payload checked as `enqueue` checks
 * it. Returns their ids in the order given.
 */
export async function enqueueMany<P extends TSchema>(
  trx: Tx,
  definition: JobDefinition<P>,
  items: readonly { payload: Static<P>; runAt: Date }[],
  now: Date,
): Promise<string[]> {
  if (items.length === 0) return [];
  for (const item of items) checkPayload(definition, item.payload);
  const rows = items.map((item) => ({ id: newId(), run_at: item.runAt.toISOString(), payload: item.payload }));
  await sql`
    INSERT INTO jobs (id, company_id, kind, run_at, payload, created_at)
    SELECT r.id, app_current_company(), ${definition.kind}, r.run_at, r.payload, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, run_at timestamptz, payload jsonb)`.execute(
    trx,
  );
  if (items.some((item) => item.runAt.getTime() <= now.getTime())) await wake(trx, definition.kind);
  return rows.map((r) => r.id);
}

/**
 * Rows for the `jobs` table, each payload checked as `enqueue` checks it, for a caller that writes several
 * tables' rows in one set-based statement of its own. It must then call `wake(trx, kind)` for the kinds due now.
 */
export function jobRows<P extends TSchema>(
  definition: JobDefinition<P>,
  items: readonly { payload: Static<P>; runAt: Date }[],
  input: { companyId: string; now: Date },
): { id: string; company_id: string; kind: string; run_at: string; payload: Static<P>; created_at: string }[] {
  return items.map((item) => {
    checkPayload(definition, item.payload);
    return {
      id: newId(),
      company_id: input.companyId,
      kind: definition.kind,
      run_at: item.runAt.toISOString(),
      payload: item.payload,
      created_at: input.now.toISOString(),
    };
  });
}

/**
 * Wakes the workers once the caller's transaction commits, e.g. after moving a waiting job's `run_at` to now.
 * PostgreSQL folds identical notifications of one transaction into one.
 */
export async function wake(trx: Tx, kind: string): Promise<void> {
  await sql`SELECT pg_notify(${JOBS_CHANNEL}, ${kind})`.execute(trx);
}
