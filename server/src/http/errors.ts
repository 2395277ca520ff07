/**
 * The error registry: every code the API can answer with is declared once here, with its status and title.
 * Clients switch on `code`; `type` is a stable URI naming the same thing.
 */
export const errorCodes = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The body is not valid JSON' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Email or password is incorrect' },
  invalid_token: { status: 401, title: 'The token is invalid or expired' },
  token_reused: {
    status: 401,
    title: 'The refresh token was already used; every session of that login has been ended',
  },
  invalid_signature: { status: 401, title: 'The webhook signature is missing or does not match' },
  forbidden: { status: 403, title: 'You do not have permission to do this' },
  field_forbidden: { status: 403, title: 'Your role may not change one of these fields' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such route' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  email_taken: { status: 409, title: 'That email address is already in use' },
  version_conflict: { status: 409, title: 'Someone else changed this record; reload it and try again' },
  duplicate_lead: { status: 409, title: 'A lead with the same email, phone or name already exists' },
  not_in_trash: { status: 409, title: 'The lead is not in the trash' },
  restore_expired: { status: 410, title: 'A lead can be restored for 30 days after it was deleted; this one is older' },
  open_follow_ups: { status: 409, title: 'The lead has open follow-ups: say whether to close them' },
  activity_closed: { status: 409, title: 'The activity is already done or cancelled' },
  merge_dependency: { status: 409, title: 'A later merge depends on this one: undo that merge first' },
  merge_already_undone: { status: 409, title: 'This merge has already been undone' },
  merge_survivor_trashed: { status: 409, title: 'The survivor is in the trash: restore it, then undo' },
  merge_undo_expired: { status: 410, title: 'A merge can be undone for 30 days; this one is older' },
  idempotency_mismatch: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  stage_requirements: { status: 422, title: 'The stage needs more fields filled in' },
  payload_too_large: { status: 413, title: 'The body is too large' },
  uri_too_long: { status: 414, title: 'The URL is too long' },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  headers_too_large: { status: 431, title: 'The request headers (URL and query string included) are too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  hierarchy_violation: { status: 422, title: 'The reporting line breaks a hierarchy rule' },
  unprocessable: { status: 422, title: 'The request cannot be carried out' },
  weak_password: { status: 422, title: 'The password is not acceptable' },
  precondition_required: { status: 428, title: 'Say which version you are changing (version or If-Match)' },
  rate_limited: { status: 429, title: 'Too many requests' },
  login_throttled: { status: 429, title: 'Too many failed sign-in attempts' },
  whatsapp_not_configured: { status: 422, title: 'WhatsApp is not connected for this company' },
  email_not_configured: { status: 422, title: 'No outgoing email server is set up for this company' },
  smtp_unreachable: { status: 502, title: 'The outgoing email server could not be reached' },
  smtp_auth_failed: { status: 502, title: 'The outgoing email server refused the username or password' },
  smtp_tls_failed: { status: 502, title: 'A secure (TLS) connection to the outgoing email server failed' },
  smtp_rejected: { status: 502, title: 'The outgoing email server refused the message' },
  imap_unreachable: { status: 502, title: 'The support mailbox’s mail server could not be reached' },
  imap_auth_failed: { status: 502, title: 'The support mailbox’s mail server refused the username or password' },
  imap_tls_failed: { status: 502, title: 'A secure (TLS) connection to the support mailbox’s mail server failed' },
  imap_folder_missing: { status: 422, title: 'The support mailbox’s folder does not exist on the mail server' },
  file_infected: { status: 422, title: 'The virus scanner found malware in the file; it was not stored' },
  quota_exceeded: { status: 413, title: "The company's file storage quota is used up" },
  storage_unavailable: { status: 503, title: 'File storage cannot be reached; nothing was saved, try again shortly' },
  scan_unavailable: { status: 503, title: 'The virus scanner cannot be reached; the file was not stored' },
  webhook_endpoint_disabled: { status: 409, title: 'The webhook endpoint is disabled' },
  facebook_connection_broken: {
    status: 409,
    title: 'The Facebook page connection is broken (its access token was refused): save a new token first',
  },
  erp_not_connected: {
    status: 409,
    title: 'The ERP connection is not connected: connect, reconnect or resume it first',
  },
  erp_refused: { status: 502, title: 'The ERP refused or could not be reached; its own message is in the detail' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'The service is not ready' },
  database_unavailable: { status: 503, title: 'The database is unavailable; try again shortly' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? errorCodes[code].title);
    this.code = code;
    this.status = errorCodes[code].status;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `No such ${what}`);
export const forbidden = (detail?: string) => new AppError('forbidden', detail);
export const fieldError = (code: ErrorCode, path: string, message: string) =>
  new AppError(code, message, { errors: [{ path, message }] });

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
  requestId: string;
  [key: string]: unknown;
}

export function problemOf(error: AppError, requestId: string): Problem {
  return {
    type: `https://iperform.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: errorCodes[error.code].title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extra,
    requestId,
  };
}
