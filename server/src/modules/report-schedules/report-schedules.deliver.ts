/**
 * Sending a scheduled report: to each recipient, the report run as that recipient (its own visibility and field
 * access), as a CSV or XLSX attachment with a link to the report in the app, through the company's outbox. A
 * recipient who may no longer run it (deactivated, a role without reports, a report it cannot see) is skipped,
 * and the schedule's `last_error` says who and why.
 */
import type { Tx } from '../../db/client.ts';
import type { Actor, Deps } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Job } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { clickhouseFor } from '../analytics/index.ts';
import { findCompany } from '../companies/index.ts';
import { enqueueSystemEmail } from '../email/index.ts';
import { type RangePreset, reportFile, todayIn } from '../reports/index.ts';
import { can, findUser, type Role } from '../users/index.ts';
import { runScheduleJob } from './report-schedules.jobs.ts';
import * as repo from './report-schedules.repository.ts';
import { type Frequency, nextOccurrence, runWindow, timingOf } from './report-schedules.timing.ts';

/** Past these an attachment is left out (the email links to the report instead) rather than cut short. */
const MAX_ROWS = 100_000;
const MAX_BYTES = 10 * 1024 * 1024;

export interface Delivery {
  userId: string;
  name: string;
  status: 'queued' | 'failed' | 'skipped';
  messageId: string | null;
  reason: string | null;
}

type UserRow = NonNullable<Awaited<ReturnType<typeof findUser>>>;

/** A user as the actor a report runs for: what it may see, as if it had signed in (a job has no session). */
export function actorOf(user: UserRow, companyId: string): Actor {
  return {
    userId: user.id,
    companyId,
    role: user.role as Role,
    name: user.name,
    email: user.email,
    managerId: user.manager_id,
    sessionId: null,
    apiKeyId: null,
  };
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => entities[c] ?? c).replace(/[\r\n]+/g, ' ');

const every: Record<Frequency, string> = { daily: 'every day', weekly: 'every week', monthly: 'every month' };

type Result = Awaited<ReturnType<typeof reportFile>>['result'];

/** A total as the recipient would read it: money in the company's currency, a share as a percentage. */
function figure(value: string | number | null, format: string, result: Result): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  const locale = result.locale || 'en';
  try {
    if (format === 'money')
      return new Intl.NumberFormat(locale, { style: 'currency', currency: result.currency }).format(value);
    if (format === 'percent')
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    if (format === 'seconds')
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value / 60)} min`;
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  } catch {
    return String(value);
  }
}

interface Mail {
  subject: string;
  text: string;
  html: string;
}

function compose(
  schedule: repo.ScheduleRow,
  recipient: UserRow,
  file: Awaited<ReturnType<typeof reportFile>>,
  link: string,
): Mail {
  const r = file.result;
  const period = r.from && r.to ? (r.from === r.to ? r.from : `${r.from} to ${r.to}`) : 'all time';
  const totals = r.columns
    .filter((c) => c.role === 'measure')
    .map((c) => `${c.label}: ${figure(r.totals[c.key] ?? null, c.format, r)}`);
  const rows = `${r.total} ${r.total === 1 ? 'row' : 'rows'}`;
  const attached = file.content
    ? `Attached: ${file.name} (${rows}).`
    : `It has ${rows}, too many to attach: open it in iPerform to see or export them.`;
  const why = `${schedule.owner_name} scheduled “${schedule.name}” for you ${every[schedule.frequency as Frequency]}. It shows what you yourself may see in iPerform.`;
  const text = [
    `Hello ${recipient.name},`,
    '',
    `${r.report.name}, ${period}. ${attached}`,
    '',
    ...(totals.length > 0 ? [...totals, ''] : []),
    `Open it in iPerform: ${link}`,
    '',
    why,
  ].join('\n');
  const html = [
    `<p>Hello ${escapeHtml(recipient.name)},</p>`,
    `<p><strong>${escapeHtml(r.report.name)}</strong>, ${escapeHtml(period)}. ${escapeHtml(attached)}</p>`,
    totals.length > 0 ? `<ul>${totals.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>` : '',
    `<p><a href="${escapeHtml(link)}">Open it in iPerform</a></p>`,
    `<p style="color:#666">${escapeHtml(why)}</p>`,
  ].join('\n');
  return { subject: `${schedule.name}: ${r.report.name} (${period})`, text, html };
}

function linkTo(deps: Deps, schedule: repo.ScheduleRow, window: { from?: string; to?: string }): string {
  const base = (deps.config.publicUrl ?? schedule.link_base_url ?? '').replace(/\/+$/, '');
  const query = window.from && window.to ? `?from=${window.from}&to=${window.to}` : '';
  return `${base}/reports/${encodeURIComponent(schedule.report)}${query}`;
}

/** Why a report could not be run for someone, in words (a report error is about them, not a failure). */
function refusal(error: unknown): string | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === 'not_found') return 'may not see this report (it is private or was deleted)';
  if (error.code === 'forbidden') return `may no longer run this report (${error.detail ?? 'forbidden'})`;
  if (error.code === 'validation_failed') return `cannot run this report (${error.detail ?? 'invalid'})`;
  return null;
}

/**
 * Runs the report for each recipient and queues their emails in the caller's transaction; answers what became
 * of each. Only an unexpected failure (the database) throws, rolling every email of the run back.
 */
export async function deliver(trx: Tx, deps: Deps, schedule: repo.ScheduleRow, now: Date): Promise<Delivery[]> {
  const company = await findCompany(trx, schedule.company_id);
  if (!company) throw new Error(`deliver: no company ${schedule.company_id}`);
  const window = runWindow(schedule.range_preset as RangePreset, schedule.report, todayIn(company.timezone, now));
  const link = linkTo(deps, schedule, window);
  const owner = await findUser(trx, schedule.owner_id);
  const deliveries: Delivery[] = [];
  for (const userId of schedule.recipients) {
    const user = await findUser(trx, userId);
    const name = user?.name ?? 'A removed user';
    const skip = (reason: string) => deliveries.push({ userId, name, status: 'skipped', messageId: null, reason });
    if (!owner?.active) {
      skip(`its owner ${owner?.name ?? ''} has been deactivated: nothing is sent until an admin deletes it`.trim());
      continue;
    }
    if (!user) {
      skip('is no longer a user of the company');
      continue;
    }
    if (!user.active) {
      skip('has been deactivated');
      continue;
    }
    if (!can(user.role as Role, 'reports:read')) {
      skip(`may no longer read reports (role ${user.role})`);
      continue;
    }
    let file: Awaited<ReturnType<typeof reportFile>>;
    try {
      file = await reportFile(
        trx,
        actorOf(user, schedule.company_id),
        now,
        { report: schedule.report, ...window },
        schedule.format as 'csv' | 'xlsx',
        { maxRows: MAX_ROWS, maxBytes: MAX_BYTES },
        { clickhouse: clickhouseFor(deps.config) },
      );
    } catch (error) {
      const reason = refusal(error);
      if (reason === null) throw error;
      skip(reason);
      continue;
    }
    const mail = compose(schedule, user, file, link);
    const sent = await enqueueSystemEmail(trx, deps, {
      companyId: schedule.company_id,
      toUserId: user.id,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: file.content ? [{ filename: file.name, contentType: file.type, content: file.content }] : [],
    });
    deliveries.push({
      userId,
      name,
      status: sent.status,
      messageId: sent.id,
      reason: sent.status === 'failed' ? 'the email could not be queued: no outgoing email server is set up' : null,
    });
  }
  return deliveries;
}

/** What went wrong in a run, for `last_error`; null when every recipient's email was queued. */
export function runError(deliveries: Delivery[]): string | null {
  const problems = deliveries.filter((d) => d.status !== 'queued').map((d) => `${d.name} ${d.reason ?? d.status}`);
  if (problems.length === 0) return null;
  const owner = deliveries.find((d) => d.reason?.startsWith('its owner'));
  const text = owner ? `Not sent: ${owner.reason}` : `Not sent to ${problems.join('; ')}`;
  return text.slice(0, 2000);
}

/**
 * The job of one due schedule: sends it, records the run and moves `next_run_at` to the next time it comes round
 * on the company's clock (after now: a run missed while the server was down is sent once, not once per miss),
 * and queues the job of that run. A job whose schedule is not due (moved, paused, sent by another) does nothing.
 */
export async function runDueSchedule(trx: Tx, deps: Deps, job: Job<{ scheduleId: string }>): Promise<void> {
  const now = deps.clock.now();
  const schedule = await repo.lockDue(trx, job.payload.scheduleId, now);
  if (!schedule) return;
  const deliveries = await deliver(trx, deps, schedule, now);
  const company = await findCompany(trx, schedule.company_id);
  const next = nextOccurrence(timingOf(schedule), now, company?.timezone ?? 'UTC');
  await repo.updateSchedule(trx, schedule.id, {
    last_run_at: now,
    last_error: runError(deliveries),
    next_run_at: next,
  });
  await enqueue(trx, runScheduleJob, { scheduleId: schedule.id }, { runAt: next, now });
}

/**
 * Hourly: a schedule whose time passed over ten minutes ago without being sent (its job gave up, or was lost)
 * gets a job now. One that was sent in the meantime makes that job do nothing.
 */
export async function sweepOverdue(trx: Tx, deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const ids = await repo.overdueIds(trx, new Date(now.getTime() - 10 * 60_000));
  for (const scheduleId of ids) await enqueue(trx, runScheduleJob, { scheduleId }, { runAt: now, now });
}
