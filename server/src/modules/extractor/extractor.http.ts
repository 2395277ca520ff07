import type { Row, SourceClient } from './extractor.connect.ts';
import { fetchUrl, nextLink, PAGE_LIMIT_BYTES, readAll, shownUrl } from './extractor.fetch.ts';
import { rowClient, valueAt } from './extractor.records.ts';

export const authKinds = ['none', 'bearer', 'basic', 'header'] as const;
export const paginationKinds = ['none', 'page', 'offset', 'cursor', 'link'] as const;
export const fileFormats = ['csv', 'xlsx'] as const;

/** How an API or a file is asked for: its authentication (without the secret) and, for an API, its paging. */
export interface HttpSettings {
  method?: 'GET';
  auth?: { kind: (typeof authKinds)[number]; user?: string; name?: string };
  /** Where the list of records is in the body: a dotted path (`data.items`), or `$` for the body itself. */
  recordsPath?: string;
  pagination?: {
    kind: (typeof paginationKinds)[number];
    /** The query parameter of the page number, the offset or the cursor (default page, offset, cursor). */
    param?: string;
    /** The first page's number (default 1). */
    start?: number;
    /** Where the next page's cursor is in the body (cursor paging). */
    nextPath?: string;
    /** The query parameter of the page size, and the size asked for. */
    sizeParam?: string;
    size?: number;
  };
  /** The query parameter the last cursor value is sent in, when the API filters by it (`updated_since`). */
  cursorParam?: string;
  format?: (typeof fileFormats)[number];
  delimiter?: string;
}

/** The most pages one run reads: a guard against an API that never says it is done. */
const MAX_PAGES = 100_000;

/** The request headers of a source's authentication, its secret opened. */
export function authHeaders(settings: HttpSettings, secret: string | null): Record<string, string> {
  const auth = settings.auth ?? { kind: 'none' };
  if (auth.kind === 'bearer' && secret) return { authorization: `Bearer ${secret}` };
  if (auth.kind === 'basic') {
    return { authorization: `Basic ${Buffer.from(`${auth.user ?? ''}:${secret ?? ''}`).toString('base64')}` };
  }
  if (auth.kind === 'header' && auth.name) return { [auth.name]: secret ?? '' };
  return {};
}

/** The list of records at `path` in a body (`$`: the body). Anything but a list fails the run, naming the path. */
export function recordsAt(body: unknown, path: string): Row[] {
  const list = path === '$' ? body : valueAt(body, path);
  if (!Array.isArray(list)) {
    throw new Error(`The response has no list of records at ${path === '$' ? 'its top level' : `"${path}"`}`);
  }
  return list.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Row) : { value: r }));
}

export interface HttpSource {
  url: string;
  settings: HttpSettings;
  secret: string | null;
  cursor: string | null;
  after: string | null;
  allowPrivate: boolean;
}

/** The records of every page of an API, one by one, each page asked for when the one before is used up. */
async function* records(source: HttpSource): AsyncGenerator<Row> {
  const { settings } = source;
  const paging = settings.pagination ?? { kind: 'none' };
  const headers = { accept: 'application/json', ...authHeaders(settings, source.secret) };
  const first = new URL(source.url);
  if (paging.sizeParam && paging.size) first.searchParams.set(paging.sizeParam, String(paging.size));
  if (settings.cursorParam && source.after !== null) first.searchParams.set(settings.cursorParam, source.after);
  const param = paging.param ?? (paging.kind === 'page' ? 'page' : paging.kind === 'offset' ? 'offset' : 'cursor');
  let page = paging.start ?? 1;
  let offset = 0;
  if (paging.kind === 'page') first.searchParams.set(param, String(page));
  if (paging.kind === 'offset') first.searchParams.set(param, '0');
  let url: URL | null = first;
  const seen = new Set<string>();
  for (let n = 0; url && n < MAX_PAGES; n++) {
    seen.add(url.href);
    const answer = await fetchUrl(url.href, { headers, allowPrivate: source.allowPrivate });
    const text = (await readAll(answer.body, PAGE_LIMIT_BYTES)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new Error(`${shownUrl(answer.url)} did not answer JSON: ${(error as Error).message}`);
    }
    const list = recordsAt(body, settings.recordsPath ?? '$');
    yield* list;
    let next: URL | null = null;
    const full = paging.size ? list.length >= paging.size : list.length > 0;
    if (paging.kind === 'page' && full) {
      page += 1;
      next = new URL(url);
      next.searchParams.set(param, String(page));
    } else if (paging.kind === 'offset' && full) {
      offset += list.length;
      next = new URL(url);
      next.searchParams.set(param, String(offset));
    } else if (paging.kind === 'cursor') {
      const value = valueAt(body, paging.nextPath ?? 'next');
      if (value !== null && value !== undefined && value !== '' && value !== false) {
        next = new URL(url);
        next.searchParams.set(param, String(value));
      }
    } else if (paging.kind === 'link') {
      const link = nextLink(answer.headers.link);
      if (link) next = new URL(link, answer.url);
    }
    // A next page already read means the API is going round in circles: stop there.
    url = next && !seen.has(next.href) ? next : null;
  }
}

/** An HTTP JSON API as a source: its pages read one after the other, the records filtered by the cursor. */
export function openHttp(source: HttpSource): SourceClient {
  return rowClient(records(source), source.cursor, source.after, async () => undefined);
}
