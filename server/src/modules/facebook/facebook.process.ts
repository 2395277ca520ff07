import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Job } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { createLeads } from '../leads/commands.ts';
import type { CreateLeadInput } from '../leads/index.ts';
import { notify } from '../notifications/index.ts';
import { activeAdmins } from '../users/index.ts';
import {
  fetchFormLeads,
  fetchFormName,
  fetchLead,
  type GraphError,
  type GraphLead,
  tokenRefused,
  transient,
} from './facebook.graph.ts';
import { facebookBackfillJob, facebookFetchJob } from './facebook.jobs.ts';
import { applyMapping, effectiveMapping, type MappingEntry } from './facebook.mapping.ts';
import * as repo from './facebook.repository.ts';

/** No user is behind a Meta delivery: the leads it creates have no creator, and their audit rows no actor. */
function integrationContext(companyId: string, requestId: string): RequestContext {
  return {
    actor: {
      userId: null as unknown as string,
      companyId,
      role: 'ADMIN',
      name: 'Facebook Lead Ads',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId,
    ip: '',
    userAgent: null,
  };
}

/**
 * The token was refused (Graph error 190): the connection is marked broken and the company's admins are told,
 * once, on the change from connected to broken. Fetching waits until someone saves a new token.
 */
export async function markBroken(trx: Tx, deps: Deps, page: repo.PageRow, error: GraphError): Promise<void> {
  const now = deps.clock.now();
  const message = `Graph API error ${error.code}: ${error.message}`;
  if (!(await repo.breakPage(trx, page.id, message, now))) return;
  for (const userId of await activeAdmins(trx)) {
    await notify(trx, {
      companyId: page.company_id,
      userId,
      kind: 'facebook_connection_broken',
      title: `Facebook page ${page.page_name} needs a new access token`,
      body: `${message}. Leads keep arriving and wait; they are fetched once a new token is saved.`,
      now,
    });
  }
}

const errorText = (error: unknown) => {
  if (!(error instanceof AppError)) return String(error);
  const fields = (error.errors ?? []).map((e) => `${e.path} ${e.message}`).join('; ');
  return fields ? `${error.message}: ${fields}` : error.message;
};

/**
 * Creates the lead of one event from what the Graph API said of it, through the one write path (createLeads:
 * normalisation, duplicate policy, assignment rules, history, audit) with source `facebook`. The form's mapping
 * (or the suggestion) fills the fields; the answers nothing maps, and the ad, campaign and form names, stay on
 * the event, which the lead's timeline shows. Returns the event's new status.
 */
export async function createFromLead(
  trx: Tx,
  deps: Deps,
  input: { page: repo.PageRow; eventId: string; lead: GraphLead; formId: string | null; attempts: number },
): Promise<string> {
  const { page, lead } = input;
  const companyId = page.company_id;
  const now = deps.clock.now();
  const formId = lead.formId ?? input.formId;
  const token = () => deps.secrets.open(page.access_token_sealed, companyId);
  const keys = lead.fieldData.map((f) => f.name);
  let formName: string | null = null;
  let mapping: MappingEntry[];
  const customFields = await repo.customFieldKeys(trx);
  if (formId) {
    await repo.ensureForm(trx, companyId, formId, page.id, now);
    const form = await repo.lockForm(trx, formId);
    formName = form?.name ?? (await fetchFormName(deps.config.facebookGraphUrl, token(), formId));
    const questions = [...(form?.questions ?? [])];
    for (const k of keys) if (!questions.includes(k)) questions.push(k);
    await repo.updateForm(trx, formId, { name: formName, questions, updated_at: now });
    mapping = effectiveMapping((form?.mapping as MappingEntry[] | null) ?? null, keys, customFields);
  } else {
    mapping = effectiveMapping(null, keys, customFields);
  }
  const mapped = applyMapping(lead.fieldData, mapping, { leadgenId: lead.id, campaignName: lead.campaignName });
  const { results } = await createLeads(
    trx,
    deps,
    integrationContext(companyId, `facebook-${lead.id}`),
    [{ body: mapped.body as CreateLeadInput }],
    { channel: 'integration', defaultSource: 'facebook' },
  );
  const [result] = results;
  let status = 'failed';
  let leadId: string | null = null;
  let error: string | null = null;
  if (result?.status === 'created') {
    status = 'created';
    leadId = result.id;
  } else if (result?.status === 'merged' || result?.status === 'skipped') {
    status = result.status;
    leadId = result.row?.id ?? null;
  } else if (result?.status === 'duplicate') {
    status = 'skipped';
    error = errorText(result.error);
  } else if (result?.status === 'failed') {
    if (!(result.error instanceof AppError)) throw result.error;
    error = errorText(result.error);
  }
  await repo.updateEvent(trx, input.eventId, {
    status,
    lead_id: leadId,
    error,
    attempts: input.attempts,
    form_id: formId,
    ad_id: lead.adId,
    answers: JSON.stringify(lead.fieldData),
    unmapped: JSON.stringify(mapped.unmapped),
    ad_name: lead.adName,
    adset_name: lead.adsetName,
    campaign_name: lead.campaignName,
    form_name: formName,
    ...(lead.createdTime ? { created_time: lead.createdTime } : {}),
    processed_at: now,
  });
  await repo.updatePage(trx, page.id, { last_success_at: now });
  return status;
}

/**
 * The fetch job. The event is locked and must still be pending (a job run twice does nothing twice). A broken
 * connection leaves it pending (a new token queues it again); a refused token breaks the connection; a
 * transient failure is retried by the runner, and after the last attempt the event stays pending with the
 * reason, to be fetched again when the connection is saved; any other Graph error fails it with the reason.
 */
export async function runFetchJob(trx: Tx, deps: Deps, job: Job<{ eventId: string }>): Promise<void> {
  const event = await repo.lockEvent(trx, job.payload.eventId);
  if (event?.status !== 'pending' || !event.leadgen_id) return;
  // Read, not locked: the fetches of one page run side by side (breakPage settles who tells the admins).
  const page = await repo.findPage(trx, event.connection_id);
  if (!page) return;
  if (page.status === 'broken') {
    await repo.updateEvent(trx, event.id, { error: 'Waiting for a new access token (the page connection is broken)' });
    return;
  }
  const attempts = event.attempts + 1;
  const token = deps.secrets.open(page.access_token_sealed, page.company_id);
  const result = await fetchLead(deps.config.facebookGraphUrl, token, event.leadgen_id);
  if (result.ok) {
    await createFromLead(trx, deps, { page, eventId: event.id, lead: result.value, formId: event.form_id, attempts });
    return;
  }
  const reason =
    result.error.code === null ? result.error.message : `Graph API error ${result.error.code}: ${result.error.message}`;
  if (tokenRefused(result.error)) {
    await markBroken(trx, deps, page, result.error);
    await repo.updateEvent(trx, event.id, { attempts, error: reason });
    return;
  }
  if (transient(result.error)) {
    if (job.attempts < facebookFetchJob.retry.attempts) throw new Error(reason);
    await repo.updateEvent(trx, event.id, { attempts, error: reason });
    return;
  }
  await repo.updateEvent(trx, event.id, { attempts, status: 'failed', error: reason, processed_at: deps.clock.now() });
}

/** Queues the fetch of every pending event of a connection and resumes its paused backfills (a new token). */
export async function requeue(trx: Tx, deps: Deps, connectionId: string): Promise<number> {
  const now = deps.clock.now();
  const ids = await repo.pendingEventIds(trx, connectionId);
  for (const eventId of ids) await enqueue(trx, facebookFetchJob, { eventId }, { runAt: now });
  for (const formId of await repo.pausedBackfills(trx, connectionId)) {
    await repo.updateForm(trx, formId, { backfill_status: 'running', backfill_error: null, updated_at: now });
    await enqueue(trx, facebookBackfillJob, { formId }, { runAt: now });
  }
  return ids.length;
}

/**
 * One page of a backfill: each lead not seen yet (by either path: the inbox is unique per lead id) is stored
 * and created at once from the page's data; progress and the cursor are kept on the form, and the next page
 * is queued. A refused token pauses the backfill until a new token is saved.
 */
export async function runBackfillJob(trx: Tx, deps: Deps, job: Job<{ formId: string }>): Promise<void> {
  const form = await repo.lockForm(trx, job.payload.formId);
  if (form?.backfill_status !== 'running') return;
  const page = await repo.findPage(trx, form.connection_id);
  const now = deps.clock.now();
  if (!page) return;
  if (page.status === 'broken') {
    await repo.updateForm(trx, form.form_id, { backfill_status: 'paused', updated_at: now });
    return;
  }
  const token = deps.secrets.open(page.access_token_sealed, page.company_id);
  const result = await fetchFormLeads(deps.config.facebookGraphUrl, token, form.form_id, form.backfill_after);
  if (!result.ok) {
    const reason = `Graph API error ${result.error.code ?? result.error.httpStatus}: ${result.error.message}`;
    if (tokenRefused(result.error)) {
      await markBroken(trx, deps, page, result.error);
      await repo.updateForm(trx, form.form_id, { backfill_status: 'paused', backfill_error: reason, updated_at: now });
      return;
    }
    if (transient(result.error) && job.attempts < facebookBackfillJob.retry.attempts) throw new Error(reason);
    await repo.updateForm(trx, form.form_id, {
      backfill_status: 'failed',
      backfill_error: reason,
      backfill_finished_at: now,
      updated_at: now,
    });
    return;
  }
  let created = 0;
  for (const lead of result.value.leads) {
    const eventId = await repo.insertEventOnce(trx, {
      company_id: page.company_id,
      id: newId(),
      connection_id: page.id,
      via: 'backfill',
      status: 'pending',
      leadgen_id: lead.id,
      page_id: page.page_id,
      form_id: lead.formId ?? form.form_id,
      ad_id: lead.adId,
      created_time: lead.createdTime,
      received_at: now,
    });
    if (!eventId) continue;
    const status = await createFromLead(trx, deps, { page, eventId, lead, formId: form.form_id, attempts: 1 });
    if (status === 'created') created++;
  }
  const done = result.value.after === null;
  await repo.updateForm(trx, form.form_id, {
    backfill_pages: form.backfill_pages + 1,
    backfill_fetched: form.backfill_fetched + result.value.leads.length,
    backfill_created: form.backfill_created + created,
    backfill_after: result.value.after,
    backfill_error: null,
    ...(done ? { backfill_status: 'done', backfill_finished_at: now } : {}),
    updated_at: now,
  });
  if (!done) await enqueue(trx, facebookBackfillJob, { formId: form.form_id }, { runAt: now });
}
