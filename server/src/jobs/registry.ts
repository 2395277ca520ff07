import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Tx } from '../db/client.ts';
import { type AnyJobDefinition, defineJob } from './define.ts';
import { enqueue } from './queue.ts';
import { nextRun } from './schedule.ts';

/**
 * Every kind of job a process knows, collected by the composition root from the modules' `*.jobs.ts` files
 * (this folder imports no module). A kind without a definition fails when it runs, and is retried, then given up.
 */
export interface JobRegistry {
  get(kind: string): AnyJobDefinition | undefined;
  readonly definitions: readonly AnyJobDefinition[];
  /** The kinds every company runs on a timetable. */
  readonly scheduled: readonly AnyJobDefinition[];
}

/**
 * Sets up a company's scheduled jobs. Enqueued with the company (`requestSchedules`); the runner takes these
 * before anything else, so a new company's first runs are in place in the same pass.
 */
export const settleSchedulesJob = defineJob({
  kind: 'jobs.schedules',
  payload: Type.Object({}, { additionalProperties: false }),
  handler: async () => {
    throw new Error('jobs.schedules runs through a registry');
  },
});

export function createJobRegistry(definitions: readonly AnyJobDefinition[]): JobRegistry {
  const byKind = new Map<string, AnyJobDefinition>();
  const registry: JobRegistry = {
    get: (kind) => byKind.get(kind),
    definitions: [],
    scheduled: definitions.filter((d) => d.schedule !== null),
  };
  const settle: AnyJobDefinition = {
    ...settleSchedulesJob,
    schedule: null,
    handler: (trx, _deps, job) => ensureSchedules(trx, registry, job.companyId, job.runAt),
  };
  for (const definition of [settle, ...definitions]) {
    if (byKind.has(definition.kind)) throw new Error(`job kind ${definition.kind} is defined twice`);
    byKind.set(definition.kind, definition);
  }
  return Object.assign(registry, { definitions: [...byKind.values()] });
}

/** Asks for a company's scheduled jobs to be set up (a new company): in its transaction, due at once. */
export async function requestSchedules(trx: Tx, now: Date): Promise<void> {
  await enqueue(trx, settleSchedulesJob, {}, { runAt: now, now });
}

/**
 * Gives the company one pending run of each scheduled kind it lacks (a new company, a kind added since, a run
 * that gave up), due at the timetable's next time after `after`. Serialised per company, so two callers at
 * once never leave two pending runs of a kind.
 */
export async function ensureSchedules(trx: Tx, registry: JobRegistry, companyId: string, after: Date): Promise<void> {
  const scheduled = registry.scheduled;
  if (scheduled.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext('jobs.schedules'), hashtext(${companyId}))`.execute(trx);
  const pending = await trx
    .selectFrom('jobs')
    .select('kind')
    .distinct()
    .where('company_id', '=', companyId)
    .where(
      'kind',
      'in',
      scheduled.map((d) => d.kind),
    )
    .where('done_at', 'is', null)
    .execute();
  const missing = scheduled.filter((d) => !pending.some((p) => p.kind === d.kind));
  if (missing.length === 0) return;
  const zone = missing.some((d) => d.schedule?.zone === 'company')
    ? ((await trx.selectFrom('companies').select('timezone').where('id', '=', companyId).executeTakeFirst())
        ?.timezone ?? 'UTC')
    : 'UTC';
  for (const definition of missing) {
    if (!definition.schedule) continue;
    await enqueue(trx, definition, {}, { runAt: nextRun(definition.schedule, after, zone), now: after });
  }
}
