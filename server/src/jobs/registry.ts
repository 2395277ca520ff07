import type { Tx } from '../db/client.ts';
import type { Deps } from '../http/context.ts';
import { deliverReminder, MISSED_JOB, markMissed, REMIND_JOB } from '../modules/activities/activities.reminders.ts';
import { SLA_JOB } from '../modules/assignment/assignment.engine.ts';
import { checkResponseSla } from '../modules/assignment/assignment.sla.ts';
import { runBulkActionJob } from '../modules/bulk-actions/bulk-actions.jobs.ts';
import { BULK_ACTION_JOB } from '../modules/bulk-actions/bulk-actions.service.ts';
import { FLAG_JOB as DUPLICATE_FLAG_JOB, runFlagJob } from '../modules/duplicates/duplicates.flag.ts';
import {
  SCAN_JOB as DUPLICATE_SCAN_JOB,
  duplicatesDailyJob,
  runScanJob,
} from '../modules/duplicates/duplicates.scan.ts';
import { sendEmailJob } from '../modules/email/email.jobs.ts';
import { EMAIL_SEND_JOB } from '../modules/email/email.outbox.ts';
import { flagImported } from '../modules/imports/imports.flag.ts';
import { runImportChunk } from '../modules/imports/imports.jobs.ts';
import { importsDailyJob } from '../modules/imports/imports.prune.ts';
import { IMPORT_CHUNK_JOB, IMPORT_FLAG_JOB, IMPORT_UNDO_JOB } from '../modules/imports/imports.service.ts';
import { runImportUndo } from '../modules/imports/imports.undo.ts';
import { PURGE_MORE_JOB, purgeMore, trashDailyJobs } from '../modules/trash/trash.purge.ts';
import { pruneWhatsappJob, runSendJob, SEND_JOB as WHATSAPP_SEND_JOB } from '../modules/whatsapp/whatsapp.jobs.ts';
import { type DailyJob, dailyHandler } from './daily.ts';
import type { Job } from './queue.ts';

/**
 * Runs one job inside its company's tenant transaction; the job is marked done in that same transaction, so
 * its effects and its completion commit together. Throwing rolls both back and schedules a retry.
 */
export type JobHandler = (trx: Tx, deps: Deps, job: Job) => Promise<void>;

/** Jobs every company runs once a day; each run schedules the next (see daily.ts). */
export const dailyJobs: DailyJob[] = [...trashDailyJobs, pruneWhatsappJob, duplicatesDailyJob, importsDailyJob];

/** Every kind of job the worker knows: a kind without a handler fails and is retried, then given up. */
export const jobHandlers: Record<string, JobHandler> = {
  [SLA_JOB]: checkResponseSla,
  [REMIND_JOB]: deliverReminder,
  [MISSED_JOB]: markMissed,
  [BULK_ACTION_JOB]: runBulkActionJob,
  [DUPLICATE_SCAN_JOB]: runScanJob,
  [DUPLICATE_FLAG_JOB]: runFlagJob,
  [EMAIL_SEND_JOB]: sendEmailJob,
  [IMPORT_CHUNK_JOB]: runImportChunk,
  [IMPORT_UNDO_JOB]: runImportUndo,
  [IMPORT_FLAG_JOB]: flagImported,
  [PURGE_MORE_JOB]: purgeMore,
  [WHATSAPP_SEND_JOB]: runSendJob,
  ...Object.fromEntries(dailyJobs.map((d) => [d.kind, dailyHandler(d)])),
};
