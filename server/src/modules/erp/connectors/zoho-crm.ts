import { Type } from 'typebox';
import {
  type Connector,
  type ConnectorContext,
  ErpError,
  type ExternalCustomer,
  type FieldValue,
  type HttpResponse,
  type Page,
  type PushedChange,
} from '../connector.ts';
import {
  apiDomain,
  crmError,
  crmErrorOf,
  isoToMs,
  nextPosition,
  parsePosition,
  positionCheckpoint,
  sameSecret,
  text,
  zohoOAuth,
  zohoTime,
  zohoTimeToIso,
} from './zoho-common.ts';

/**
 * Zoho CRM v7, for companies that run Zoho CRM beside us: our "customer" is a CRM Lead (module Leads), so leads
 * flow both ways. Writes upsert on an External ID field `iPerform_Lead_Id` holding our key
 * (POST /crm/v7/Leads/upsert with duplicate_check_fields), so the same key never makes two Leads; the CRM admin
 * adds that field (type External ID) to Leads once. Reads list Leads by Modified_Time, oldest first, with
 * If-Modified-Since, by page and, past v7's 2,000-record page limit, by page_token. Zoho's notification channel
 * is not signed: the `token` we set on the channel comes back in every body and is what verifyPush checks.
 * Zoho CRM meters API credits per day and concurrent calls, not calls per minute: no per-minute limit here;
 * a 429 is waited out by the framework (Retry-After) or becomes 'throttled'.
 */

const PER_PAGE = 200;
/** v7 serves only the first 2,000 records of a query by `page`; beyond that it needs `page_token`. */
const PAGE_LIMIT = 2_000 / PER_PAGE;
const KEY_FIELD = 'iPerform_Lead_Id';
const FIELDS = ['Last_Name', 'First_Name', 'Company', 'Email', 'Phone', 'Mobile', 'Lead_Source', 'Description'];

type Json = Record<string, unknown>;

function base(ctx: ConnectorContext): string {
  return `${apiDomain(ctx.settings)}/crm/v7`;
}

async function call(
  ctx: ConnectorContext,
  method: 'GET' | 'POST' | 'PUT',
  target: string,
  body?: Json,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  const res = await ctx.http({
    method,
    url: target,
    headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 400) throw crmError(res);
  return res;
}

function leadOf(record: Json): ExternalCustomer {
  const fields: Record<string, FieldValue> = {};
  for (const name of FIELDS) if (name in record) fields[name] = text(record[name]);
  const modified = typeof record.Modified_Time === 'string' ? record.Modified_Time : null;
  return { externalId: String(record.id), version: modified, updatedAt: zohoTimeToIso(modified), fields };
}

/** Only our fields, as Zoho takes them (null clears a field). */
function leadBody(fields: Record<string, FieldValue>): Json {
  const body: Json = {};
  for (const name of FIELDS) if (name in fields) body[name] = fields[name] ?? null;
  return body;
}

/** The one entry of a write's `data[]`: its details on SUCCESS, else its error. */
function writeResult(res: HttpResponse): Json {
  const body = res.json<Json>();
  const entry = Array.isArray(body.data) ? ((body.data as Json[])[0] ?? null) : null;
  if (!entry) throw new ErpError('unavailable', `Zoho CRM answered ${res.status} without a result`);
  if (entry.status !== 'success') throw crmErrorOf(entry, res.status);
  return (entry.details as Json) ?? {};
}

async function getLead(ctx: ConnectorContext, externalId: string): Promise<Json | null> {
  const params = new URLSearchParams({ fields: [...FIELDS, 'Modified_Time'].join(',') });
  let res: HttpResponse;
  try {
    res = await call(ctx, 'GET', `${base(ctx)}/Leads/${encodeURIComponent(externalId)}?${params}`);
  } catch (error) {
    if (error instanceof ErpError && error.kind === 'not_found') return null;
    throw error;
  }
  // An id Zoho does not know answers 204 with no body.
  if (res.status === 204 || res.body.length === 0) return null;
  const data = res.json<Json>().data;
  return Array.isArray(data) ? ((data[0] as Json) ?? null) : null;
}

export const zohoCrmConnector: Connector = {
  id: 'zoho_crm',
  label: 'Zoho CRM',
  settings: Type.Object(
    {
      accountsUrl: Type.Optional(Type.String({ format: 'uri', default: 'https://accounts.zoho.com' })),
      apiDomain: Type.Optional(Type.String({ format: 'uri', default: 'https://www.zohoapis.com' })),
      /** Kept from the token response: the account's data centre. */
      api_domain: Type.Optional(Type.String({ format: 'uri' })),
    },
    { additionalProperties: false },
  ),
  secretFields: [
    { name: 'clientId', label: 'Client ID', required: true },
    { name: 'clientSecret', label: 'Client secret', required: true },
    { name: 'notificationToken', label: 'Notification channel token', required: false },
  ],
  oauth: zohoOAuth(['ZohoCRM.modules.leads.ALL', 'ZohoCRM.org.READ', 'ZohoCRM.notifications.ALL']),
  rateLimit: {},
  reads: ['customer'],
  writes: ['customer'],
  customerFields: [
    { name: 'Last_Name', label: 'Last name', type: 'text', required: true, maxLength: 80 },
    { name: 'First_Name', label: 'First name', type: 'text', maxLength: 40 },
    { name: 'Company', label: 'Company', type: 'text', maxLength: 200 },
    { name: 'Email', label: 'Email', type: 'email', maxLength: 100 },
    { name: 'Phone', label: 'Phone', type: 'phone', maxLength: 30 },
    { name: 'Mobile', label: 'Mobile', type: 'phone', maxLength: 30 },
    { name: 'Lead_Source', label: 'Lead source', type: 'text', maxLength: 120 },
    { name: 'Description', label: 'Description', type: 'text', maxLength: 32_000 },
  ],
  defaultCustomerMapping: [
    // Our leads hold one name; Zoho requires Last_Name, so the whole name goes there.
    { leadField: 'name', erpField: 'Last_Name' },
    { leadField: 'companyName', erpField: 'Company' },
    { leadField: 'emails', erpField: 'Email' },
    { leadField: 'phones', erpField: 'Phone' },
    { leadField: 'notes', erpField: 'Description' },
  ],
  matchFields: ['Email', 'Phone', 'Mobile'],
  unmatchedBecomeLeads: true,

  async check(ctx) {
    const res = await call(ctx, 'GET', `${base(ctx)}/org`);
    const org = (res.json<Json>().org as Json[] | undefined)?.[0];
    if (!org) throw new ErpError('unavailable', 'Zoho CRM answered without the organization');
    return `Zoho CRM: ${org.company_name ?? 'organization'} (org ${org.id})`;
  },

  async readCustomers(ctx, checkpoint): Promise<Page<ExternalCustomer>> {
    const position = parsePosition(checkpoint);
    const params = new URLSearchParams({
      fields: [...FIELDS, 'Modified_Time'].join(','),
      per_page: String(PER_PAGE),
      sort_by: 'Modified_Time',
      sort_order: 'asc',
    });
    if (position.token) params.set('page_token', position.token);
    else params.set('page', String(position.page));
    // If-Modified-Since is exclusive; a second earlier keeps the records stamped in the checkpoint's own second.
    const headers: Record<string, string> =
      position.since > 0 ? { 'If-Modified-Since': zohoTime(position.since - 1_000, true) } : {};
    const res = await call(ctx, 'GET', `${base(ctx)}/Leads?${params}`, undefined, headers);
    // 304: nothing changed since; 204: no Leads at all.
    if (res.status === 304 || res.status === 204 || res.body.length === 0) {
      return { records: [], checkpoint: positionCheckpoint({ since: position.since, page: 1 }), more: false };
    }
    const body = res.json<Json>();
    const rows = Array.isArray(body.data) ? (body.data as Json[]) : [];
    const info = (body.info ?? {}) as Json;
    const more = info.more_records === true;
    const times = rows.map((row) => (typeof row.Modified_Time === 'string' ? isoToMs(row.Modified_Time) : 0));
    const token =
      position.page + 1 > PAGE_LIMIT && typeof info.next_page_token === 'string' ? info.next_page_token : null;
    const next = nextPosition(position, times, more, token);
    return { records: rows.map(leadOf), checkpoint: positionCheckpoint(next), more };
  },

  async getCustomer(ctx, externalId) {
    const lead = await getLead(ctx, externalId);
    return lead ? leadOf(lead) : null;
  },

  async createCustomer(ctx, fields, key) {
    const body = { data: [{ ...leadBody(fields), [KEY_FIELD]: key }], duplicate_check_fields: [KEY_FIELD] };
    const details = writeResult(await call(ctx, 'POST', `${base(ctx)}/Leads/upsert`, body));
    const modified = typeof details.Modified_Time === 'string' ? details.Modified_Time : null;
    const stored = leadBody(fields) as Record<string, FieldValue>;
    return {
      externalId: String(details.id),
      version: modified,
      updatedAt: zohoTimeToIso(modified),
      fields: stored,
    };
  },

  async updateCustomer(ctx, externalId, version, fields) {
    const current = await getLead(ctx, externalId);
    if (!current) throw new ErpError('not_found', `Zoho CRM has no Lead ${externalId}`);
    const now = typeof current.Modified_Time === 'string' ? current.Modified_Time : null;
    if (version !== null && now !== version) {
      throw new ErpError('stale', `The Lead was changed in Zoho CRM at ${now} (we last read it at ${version})`, {
        vendorCode: 'Modified_Time',
      });
    }
    const target = `${base(ctx)}/Leads/${encodeURIComponent(externalId)}`;
    const details = writeResult(await call(ctx, 'PUT', target, { data: [leadBody(fields)] }));
    const modified = typeof details.Modified_Time === 'string' ? details.Modified_Time : null;
    return {
      externalId,
      version: modified,
      updatedAt: zohoTimeToIso(modified),
      fields: { ...leadOf(current).fields, ...(leadBody(fields) as Record<string, FieldValue>) },
    };
  },

  verifyPush(_headers, rawBody, secrets) {
    const expected = secrets.notificationToken;
    if (!expected) return false;
    try {
      const body = JSON.parse(rawBody.toString('utf8')) as unknown;
      const items = Array.isArray(body) ? body : [body];
      return (
        items.length > 0 &&
        items.every((item) => {
          const token = item && typeof item === 'object' ? (item as Json).token : undefined;
          return typeof token === 'string' && sameSecret(token, expected);
        })
      );
    } catch {
      return false;
    }
  },

  parsePush(body): PushedChange[] {
    const items = Array.isArray(body) ? body : [body];
    const changes: PushedChange[] = [];
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const note = item as Json;
      if (note.module !== 'Leads' || !Array.isArray(note.ids) || note.ids.length === 0) continue;
      changes.push({
        entity: 'customer',
        externalIds: note.ids.map((id) => String(id)),
        account: note.channel_id === undefined || note.channel_id === null ? null : String(note.channel_id),
      });
    }
    return changes;
  },
};
