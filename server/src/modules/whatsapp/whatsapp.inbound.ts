import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { toE164 } from '../../lib/phone.ts';
import { createLeads } from '../leads/commands.ts';
import { notify } from '../notifications/index.ts';
import { statusChanges } from './whatsapp.dto.ts';
import * as repo from './whatsapp.repository.ts';

/** The `value` of one `messages` change of a webhook, as the Cloud API documents it (only what we read). */
export interface ChangeValue {
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: InboundMessage[];
  statuses?: StatusUpdate[];
}

interface InboundMessage {
  id?: string;
  from?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  referral?: { headline?: string; source_url?: string };
  [typed: string]: unknown;
}

interface StatusUpdate {
  id?: string;
  status?: string;
  timestamp?: string;
  errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[];
}

export interface InboundContext {
  companyId: string;
  settings: repo.SettingsRow;
  phoneCountry: string;
  requestId: string;
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/** WhatsApp's timestamps are Unix seconds as text; a missing or odd one is taken as now. */
function timeOf(value: string | undefined, now: Date): Date {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : now;
}

const clip = (value: unknown, max: number) => (typeof value === 'string' && value ? value.slice(0, max) : null);

export async function handleChange(trx: Tx, deps: Deps, ctx: InboundContext, value: ChangeValue): Promise<void> {
  for (const status of value.statuses ?? []) await applyStatus(trx, deps, ctx, status);
  for (const message of value.messages ?? []) {
    const contact = value.contacts?.find((c) => c.wa_id === message.from) ?? value.contacts?.[0];
    await receive(trx, deps, ctx, message, clip(contact?.profile?.name?.trim(), 200));
  }
}

/**
 * A delivery status for one of our messages. Applied under the message id's lock; when the send that
 * produced the id has not stored it yet, the status waits and the send applies it.
 */
async function applyStatus(trx: Tx, deps: Deps, ctx: InboundContext, update: StatusUpdate): Promise<void> {
  if (!update.id || !update.status || !STATUSES.has(update.status)) return;
  const now = deps.clock.now();
  const error = update.errors?.[0];
  const title = clip(error?.title ?? error?.message, 500);
  const details = clip(error?.error_data?.details ?? (error?.message !== title ? error?.message : null), 1000);
  const event: repo.StatusEvent = {
    status: update.status as repo.StatusEvent['status'],
    at: timeOf(update.timestamp, now),
    errorCode: typeof error?.code === 'number' && Number.isInteger(error.code) ? error.code : null,
    errorTitle: title,
    errorDetail: details,
  };
  await repo.lockFor(trx, 'wamid', update.id);
  const message = await repo.lockMessageByWamid(trx, update.id);
  if (!message) {
    await repo.holdStatus(trx, ctx.companyId, update.id, event, now);
    return;
  }
  if (message.direction !== 'outbound') return;
  const changes = statusChanges(message, event, now);
  if (Object.keys(changes).length > 0) await repo.updateMessage(trx, message.id, changes);
}

/** The text a person would read for a message of any type (the caption of media, the title of a reply...). */
function textOf(message: InboundMessage): string | null {
  const typed = (message[message.type ?? ''] ?? null) as Record<string, unknown> | unknown[] | null;
  if (message.type === 'text') return clip(message.text?.body, 4096);
  if (!typed || Array.isArray(typed)) {
    const first = Array.isArray(typed) ? (typed[0] as { name?: { formatted_name?: string } } | undefined) : undefined;
    return clip(first?.name?.formatted_name, 200);
  }
  const reply = (typed.button_reply ?? typed.list_reply) as { title?: string } | undefined;
  return clip(
    typed.caption ?? typed.text ?? typed.emoji ?? reply?.title ?? typed.name ?? typed.address ?? typed.filename,
    4096,
  );
}

/**
 * An inbound message: kept once per WhatsApp id (a redelivery stops here), attached to the live lead with
 * that number, else to a new lead when the company asked for that, else kept unattached. The lead's owner is
 * told.
 */
async function receive(
  trx: Tx,
  deps: Deps,
  ctx: InboundContext,
  message: InboundMessage,
  contactName: string | null,
): Promise<void> {
  if (!message.id || !message.from) return;
  const now = deps.clock.now();
  const digits = message.from.replace(/\D/g, '');
  const phone = toE164(`+${digits}`, ctx.phoneCountry) ?? `+${digits}`;
  const type = typeof message.type === 'string' && /^[a-z_]{1,40}$/.test(message.type) ? message.type : 'unknown';
  const typed = message[type];
  const content = {
    ...(type !== 'text' && typed && typeof typed === 'object' ? { [type]: typed } : {}),
    ...pick(message),
  };
  const id = newId();
  const fresh = await repo.insertInboundOnce(trx, {
    company_id: ctx.companyId,
    id,
    lead_id: null,
    direction: 'inbound',
    phone,
    phone_number_id: ctx.settings.phone_number_id,
    type,
    body: textOf(message),
    contact_name: contactName,
    content: Object.keys(content).length > 0 ? JSON.stringify(content) : null,
    wamid: message.id,
    status: 'received',
    at: timeOf(message.timestamp, now),
    created_at: now,
    updated_at: now,
  });
  if (!fresh) return;

  await repo.lockFor(trx, 'phone', phone);
  let lead = await repo.liveLeadWithPhone(trx, phone);
  if (!lead && ctx.settings.create_leads_from_unknown) {
    lead = await createLead(trx, deps, ctx, { phone, contactName, campaign: clip(message.referral?.headline, 200) });
  }
  if (!lead) return;
  await repo.updateMessage(trx, id, { lead_id: lead.id });
  if (lead.owner_id) {
    const text = textOf(message);
    await notify(trx, {
      companyId: ctx.companyId,
      userId: lead.owner_id,
      kind: 'whatsapp_inbound',
      title: `WhatsApp from ${contactName ?? lead.name}`,
      body: text ? text.slice(0, 200) : `[${type}]`,
      leadId: lead.id,
      now,
    });
  }
}

/** Where a message came from when it is not plain: a reply's context, an ad's referral. */
function pick(message: InboundMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['context', 'referral', 'errors'] as const) if (message[key]) out[key] = message[key];
  return out;
}

/** No user is behind a webhook: leads it creates have no creator, and their audit rows no actor. */
function webhookContext(ctx: InboundContext): RequestContext {
  return {
    actor: {
      userId: null as unknown as string,
      companyId: ctx.companyId,
      role: 'ADMIN',
      name: 'WhatsApp',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId: ctx.requestId,
    ip: '',
    userAgent: null,
  };
}

/**
 * A lead for an unknown number, made through the one write path of every lead (createLeads: normalised,
 * duplicate rules, assignment rules, history, audit) on the integration channel. Refused by those rules, the
 * message simply stays unattached: the refused item wrote nothing, and the message is kept.
 */
async function createLead(
  trx: Tx,
  deps: Deps,
  ctx: InboundContext,
  input: { phone: string; contactName: string | null; campaign: string | null },
) {
  const body = {
    name: input.contactName ?? input.phone,
    phones: [input.phone],
    ...(input.campaign ? { campaign: input.campaign } : {}),
  };
  const { results } = await createLeads(trx, deps, webhookContext(ctx), [{ body }], {
    channel: 'integration',
    defaultSource: 'whatsapp',
  });
  const [result] = results;
  if (result?.status !== 'created') {
    if (result?.status === 'failed' && !(result.error instanceof AppError)) throw result.error;
    return undefined;
  }
  return { id: result.id, name: result.name, owner_id: result.ownerId };
}
