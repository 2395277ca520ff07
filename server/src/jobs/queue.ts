import type { Tx } from '../db/client.ts';
import { newId } from '../lib/ids.ts';

/** A job as its handler sees it: ids only in the payload, the rest is read again when it runs. */
export interface Job {
  id: string;
  companyId: string;
  kind: string;
  payload: Record<string, unknown>;
  /** This run included (1 on the first run). */
  attempts: number;
  runAt: Date;
}

/**
 * Adds a job in the caller's transaction, so the write that causes it and the job commit together or not at
 * all. `runAt` comes from the app clock (deps.clock), which is what decides when the job is due.
 */
export async function enqueue(
  trx: Tx,
  input: { companyId: string; kind: string; runAt: Date; payload: Record<string, unknown>; now: Date },
): Promise<string> {
  const id = newId();
  await trx
    .insertInto('jobs')
    .values({
      id,
      company_id: input.companyId,
      kind: input.kind,
      run_at: input.runAt,
      payload: JSON.stringify(input.payload),
      created_at: input.now,
    })
    .execute();
  return id;
}
