/**
 * The WhatsApp Business Cloud API as we call it: the documented request shapes of the messages endpoint and
 * the phone number node, and its error body read into a code, title and detail. Nothing here touches the
 * database: the caller decides what a failure means for the message.
 */

export const DEFAULT_API_BASE_URL = 'https://graph.facebook.com/v21.0';
const TIMEOUT_MS = 15_000;

export interface CloudConnection {
  apiBaseUrl: string;
  phoneNumberId: string;
  accessToken: string;
}

export type Outgoing =
  | { type: 'text'; to: string; text: string; previewUrl: boolean }
  | { type: 'template'; to: string; name: string; language: string; params: string[] };

export interface CloudError {
  /** The HTTP status, or null when no answer came (network error, timeout). */
  httpStatus: number | null;
  code: number | null;
  title: string;
  detail: string | null;
  /** Worth trying again later: no answer, a server error or throttling; a 4xx otherwise is final. */
  retryable: boolean;
}

export type CloudResult<T> = { ok: true; value: T } | { ok: false; error: CloudError };

/** The body of POST /{phone-number-id}/messages, as in the Cloud API's "send messages" reference. */
export function messageRequest(message: Outgoing): Record<string, unknown> {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to };
  if (message.type === 'text') {
    return { ...base, type: 'text', text: { preview_url: message.previewUrl, body: message.text } };
  }
  const template: Record<string, unknown> = { name: message.name, language: { code: message.language } };
  if (message.params.length > 0) {
    template.components = [{ type: 'body', parameters: message.params.map((text) => ({ type: 'text', text })) }];
  }
  return { ...base, type: 'template', template };
}

export async function sendMessage(
  connection: CloudConnection,
  message: Outgoing,
): Promise<CloudResult<{ wamid: string; waId: string | null }>> {
  const result = await call(connection, 'POST', `/${connection.phoneNumberId}/messages`, messageRequest(message));
  if (!result.ok) return result;
  const body = result.value as { messages?: { id?: unknown }[]; contacts?: { wa_id?: unknown }[] };
  const wamid = body.messages?.[0]?.id;
  if (typeof wamid !== 'string' || !wamid) {
    return {
      ok: false,
      error: { httpStatus: 200, code: null, title: 'The answer named no message id', detail: null, retryable: false },
    };
  }
  const waId = body.contacts?.[0]?.wa_id;
  return { ok: true, value: { wamid, waId: typeof waId === 'string' ? waId : null } };
}

export interface PhoneNumberInfo {
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: string | null;
}

/** GET /{phone-number-id}: proves the id and token work, and names the number as WhatsApp shows it. */
export async function phoneNumberInfo(connection: CloudConnection): Promise<CloudResult<PhoneNumberInfo>> {
  const fields = 'display_phone_number,verified_name,quality_rating';
  const result = await call(connection, 'GET', `/${connection.phoneNumberId}?fields=${fields}`);
  if (!result.ok) return result;
  const body = result.value as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    ok: true,
    value: {
      displayPhoneNumber: text(body.display_phone_number),
      verifiedName: text(body.verified_name),
      qualityRating: text(body.quality_rating),
    },
  };
}

async function call(
  connection: CloudConnection,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<CloudResult<unknown>> {
  let response: Response;
  try {
    response = await fetch(`${connection.apiBaseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${connection.accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    return {
      ok: false,
      error: {
        httpStatus: null,
        code: null,
        title: 'WhatsApp could not be reached',
        detail: reason.slice(0, 500) || null,
        retryable: true,
      },
    };
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (response.ok) return { ok: true, value: parsed ?? {} };
  return { ok: false, error: errorOf(response.status, parsed, text) };
}

/** `{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "fbtrace_id"}}`. */
export function errorOf(status: number, body: unknown, raw: string): CloudError {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  const retryable = status >= 500 || status === 429;
  if (!error || typeof error !== 'object') {
    return {
      httpStatus: status,
      code: null,
      title: `WhatsApp answered HTTP ${status}`,
      detail: raw.slice(0, 500) || null,
      retryable,
    };
  }
  const details = (error.error_data as { details?: unknown } | undefined)?.details;
  const title = typeof error.message === 'string' && error.message ? error.message : `HTTP ${status}`;
  return {
    httpStatus: status,
    code: typeof error.code === 'number' && Number.isInteger(error.code) ? error.code : null,
    title: title.slice(0, 500),
    detail: typeof details === 'string' ? details.slice(0, 1000) : null,
    retryable,
  };
}
