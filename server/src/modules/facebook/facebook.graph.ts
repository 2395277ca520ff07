/**
 * The few Graph API calls Lead Ads need: one lead (`GET /{leadgen_id}`), a form's name (`GET /{form_id}`) and a
 * form's leads page by page (`GET /{form_id}/leads`). The base URL (version included) is the server's setting
 * IPERFORM_FACEBOOK_GRAPH_URL. The token travels as `access_token`; URLs are never logged.
 */

const TIMEOUT_MS = 15_000;
const LEAD_FIELDS = 'id,created_time,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,field_data';

export interface GraphLead {
  id: string;
  createdTime: Date | null;
  adId: string | null;
  adName: string | null;
  adsetName: string | null;
  campaignName: string | null;
  formId: string | null;
  fieldData: { name: string; values: string[] }[];
}

export interface GraphError {
  /** Graph's error code (190: the token expired or was revoked); null when no Graph error came back. */
  code: number | null;
  httpStatus: number | null;
  message: string;
}

export type GraphResult<T> = { ok: true; value: T } | { ok: false; error: GraphError };

/** Graph's 190 (and 102, an invalid session): the token is no good, and only a new one helps. */
export const tokenRefused = (error: GraphError) => error.code === 190 || error.code === 102;

/** A retry may help: the network, throttling or Graph's side (5xx, transient codes 1, 2, 4, 17, 341). */
export const transient = (error: GraphError) =>
  error.httpStatus === null ||
  error.httpStatus >= 500 ||
  error.httpStatus === 429 ||
  [1, 2, 4, 17, 32, 341, 613].includes(error.code ?? -1);

/** An id as Meta sends it, a string or a number, as digits; anything else is null. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^[0-9]{1,32}$/.test(value.trim())) return value.trim();
  return null;
}

/** `created_time` in either form Meta uses: Unix seconds (number or digits) or `2018-02-28T08:49:14+0000`. */
export function timeOf(value: unknown): Date | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value * 1000);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^[0-9]{9,11}$/.test(text)) return new Date(Number(text) * 1000);
  const iso = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-])(\d{2}):?(\d{2})$/.exec(text);
  const date = new Date(iso ? `${iso[1]}${iso[2]}${iso[3]}:${iso[4]}` : text);
  return Number.isNaN(date.getTime()) ? null : date;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** A lead as Graph returns it, read defensively; null when it has no id. */
export function leadOf(raw: unknown): GraphLead | null {
  const r = (raw ?? {}) as Record<string, unknown>;
  const id = idOf(r.id);
  if (!id) return null;
  const fieldData = Array.isArray(r.field_data)
    ? (r.field_data as { name?: unknown; values?: unknown }[]).flatMap((f) =>
        typeof f?.name === 'string' && f.name.trim() !== ''
          ? [
              {
                name: f.name.trim(),
                values: (Array.isArray(f.values) ? f.values : [f.values])
                  .filter((v) => v !== null && v !== undefined)
                  .map((v) => String(v)),
              },
            ]
          : [],
      )
    : [];
  return {
    id,
    createdTime: timeOf(r.created_time),
    adId: idOf(r.ad_id),
    adName: text(r.ad_name),
    adsetName: text(r.adset_name),
    campaignName: text(r.campaign_name),
    formId: idOf(r.form_id),
    fieldData,
  };
}

async function get(url: URL): Promise<GraphResult<Record<string, unknown>>> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    return { ok: false, error: { code: null, httpStatus: null, message: `The Graph API ${reason}` } };
  }
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    body = {};
  }
  if (response.ok && !body.error) return { ok: true, value: body };
  const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
  return {
    ok: false,
    error: {
      code: typeof error.code === 'number' ? error.code : null,
      httpStatus: response.status,
      message: typeof error.message === 'string' ? error.message.slice(0, 500) : `HTTP ${response.status}`,
    },
  };
}

function urlOf(base: string, path: string, token: string, params: Record<string, string> = {}): URL {
  const url = new URL(`${base}/${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  url.searchParams.set('access_token', token);
  return url;
}

export async function fetchLead(base: string, token: string, leadgenId: string): Promise<GraphResult<GraphLead>> {
  const result = await get(urlOf(base, leadgenId, token, { fields: LEAD_FIELDS }));
  if (!result.ok) return result;
  const lead = leadOf(result.value);
  if (!lead)
    return { ok: false, error: { code: null, httpStatus: 200, message: 'The Graph API answered without a lead' } };
  return { ok: true, value: lead };
}

export async function fetchFormName(base: string, token: string, formId: string): Promise<string | null> {
  const result = await get(urlOf(base, formId, token, { fields: 'id,name' }));
  return result.ok ? text(result.value.name) : null;
}

export interface LeadsPage {
  leads: GraphLead[];
  /** Records Graph returned that could not be read (no id). */
  unreadable: number;
  /** The cursor of the next page; null on the last. */
  after: string | null;
}

/** One page of a form's leads, oldest cursor first; `after` continues where the previous page ended. */
export async function fetchFormLeads(
  base: string,
  token: string,
  formId: string,
  after: string | null,
): Promise<GraphResult<LeadsPage>> {
  const params: Record<string, string> = { fields: LEAD_FIELDS, limit: '100' };
  if (after) params.after = after;
  const result = await get(urlOf(base, `${formId}/leads`, token, params));
  if (!result.ok) return result;
  const data = Array.isArray(result.value.data) ? result.value.data : [];
  const leads = data.map(leadOf).filter((l): l is GraphLead => l !== null);
  const paging = (result.value.paging ?? {}) as { next?: unknown; cursors?: { after?: unknown } };
  const cursor = text(paging.cursors?.after);
  // Graph gives `next` only when there is another page; the `after` cursor alone is also on the last page.
  const next = typeof paging.next === 'string' && paging.next !== '' && data.length > 0;
  return { ok: true, value: { leads, unreadable: data.length - leads.length, after: next ? cursor : null } };
}
