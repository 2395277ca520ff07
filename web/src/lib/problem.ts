/**
 * RFC 9457 problem details as the API sends them, and the one error type the UI throws for a failed call.
 * Everything here is defensive: a proxy or a crash can answer with HTML or nothing at all.
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
}

export class ApiError extends Error {
  readonly problem: Problem;
  readonly status: number;
  /** Seconds to wait before trying again, from Retry-After (429 and 503). */
  readonly retryAfter: number | null;

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = problem.status;
    this.retryAfter = retryAfter;
  }

  get code(): string {
    return this.problem.code;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldErrorsOf(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors: FieldError[] = [];
  for (const item of value) {
    if (isRecord(item) && typeof item.message === 'string') {
      errors.push({ path: typeof item.path === 'string' ? item.path : '', message: item.message });
    }
  }
  return errors;
}

const statusTitles: Record<number, string> = {
  400: 'The request is not valid',
  401: 'Authentication required',
  403: 'You do not have permission to do this',
  404: 'Not found',
  409: 'Conflict',
  422: 'The request cannot be carried out',
  429: 'Too many requests',
  500: 'Something went wrong on our side',
  502: 'The server cannot be reached',
  503: 'The service is not ready',
  504: 'The server took too long to answer',
};

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Turns whatever an error response carried into a Problem. */
export function toApiError(body: unknown, response: Response): ApiError {
  const status = response.status;
  const fallbackTitle = statusTitles[status] ?? `Request failed (${status})`;
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  if (isRecord(body)) {
    const problem: Problem = {
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: typeof body.title === 'string' ? body.title : fallbackTitle,
      status: typeof body.status === 'number' ? body.status : status,
      code: typeof body.code === 'string' ? body.code : `http_${status}`,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      errors: fieldErrorsOf(body.errors),
      requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
    };
    return new ApiError(problem, retryAfter);
  }
  return new ApiError({ type: 'about:blank', title: fallbackTitle, status, code: `http_${status}` }, retryAfter);
}

export function networkError(): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Cannot reach the server',
    detail: 'Check your connection and try again.',
    status: 0,
    code: 'network_error',
  });
}

export function throttleMessage(seconds: number | null): string {
  return seconds === null ? 'Too many attempts, try again in a moment' : `Too many attempts, try again in ${seconds} s`;
}

/** One sentence for a person: the detail when the server gave one, else the title. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return throttleMessage(error.retryAfter);
    return error.problem.detail ?? error.problem.title;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong';
}

/**
 * The field a problem's error path names: `email`, `/email`, `body.email` and `body/email` all mean `email`.
 */
export function fieldOfPath(path: string): string {
  return (
    path
      .replace(/^\//, '')
      .replace(/^body[./]/, '')
      .split(/[./]/)[0] ?? ''
  );
}
