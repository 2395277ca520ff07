import { Liquid, type Template } from 'liquidjs';
import { AppError, type FieldError } from '../../http/errors.ts';

/**
 * Email content is Liquid. Both engines are strict (an unknown variable or filter is an error, not an empty
 * string), read no files (`templates: {}`: include, render and layout find nothing) and are bounded in parse
 * size, render time and memory, so a template cannot hang or exhaust the server. In HTML every output is
 * escaped, and `raw` escapes too: lead data typed into a web form can never become markup in our mail.
 */
const limits = {
  strictFilters: true,
  strictVariables: true,
  ownPropertyOnly: true,
  templates: {},
  cache: false,
  parseLimit: 500_000,
  renderLimit: 2_000,
  memoryLimit: 20_000_000,
} as const;

const htmlEngine = new Liquid({ ...limits, outputEscape: 'escape' });
htmlEngine.registerFilter('raw', (value: unknown) => value);
const textEngine = new Liquid(limits);

export type Part = 'subject' | 'html' | 'text';
export interface Content {
  subject: string;
  html: string | null;
  text: string | null;
}
export interface Rendered {
  subject: string;
  html: string | null;
  text: string;
}

/** The values a template sees; every key exists (empty when unknown or hidden), so strict mode only trips on typos. */
export type RenderContext = Record<string, Record<string, unknown>>;

const engineOf = (part: Part) => (part === 'html' ? htmlEngine : textEngine);

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(
    /^ENOENT: Failed to lookup (".*?") in "\."/,
    'no template named $1 (include and render are not available)',
  );
}

/**
 * Parses and renders every part; each part that fails is named in a 422 (`path` = subject, html or text, or
 * `${base}.subject`...), with Liquid's own message (what, line, column).
 */
export async function renderContent(content: Content, context: RenderContext, base = ''): Promise<Rendered> {
  const errors: FieldError[] = [];
  const out: Partial<Record<Part, string | null>> = {};
  for (const part of ['subject', 'html', 'text'] as const) {
    const source = content[part];
    if (source === null) {
      out[part] = null;
      continue;
    }
    try {
      const engine = engineOf(part);
      const template: Template[] = engine.parse(source);
      out[part] = await engine.render(template, context);
    } catch (error) {
      errors.push({ path: base ? `${base}.${part}` : part, message: describe(error) });
    }
  }
  if (errors.length > 0) {
    throw new AppError(
      'unprocessable',
      `The template does not render: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      {
        errors,
      },
    );
  }
  const html = out.html ?? null;
  return {
    // A header holds one line: line breaks a template produced become spaces.
    subject: (out.subject ?? '')
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .trim()
      .slice(0, 998),
    html,
    text: out.text ?? (html === null ? '' : htmlToText(html)),
  };
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10), whole);
    return entities[lower] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * Removes what a reader never sees (head, style, script, title, comments). A loop rather than a lazy regex:
 * an unclosed block ends the text instead of being searched for again at every opening (quadratic time).
 */
function dropHidden(html: string): string {
  const lower = html.toLowerCase();
  const opener = /<(head|style|script|title)\b|<!--/g;
  let out = '';
  let from = 0;
  for (let match = opener.exec(lower); match; match = opener.exec(lower)) {
    if (match.index < from) continue;
    out += html.slice(from, match.index);
    const close = match[1] ? `</${match[1]}` : '-->';
    const end = lower.indexOf(close, match.index + match[0].length);
    if (end === -1) return out;
    from = match[1] ? lower.indexOf('>', end) + 1 || lower.length : end + 3;
    opener.lastIndex = from;
  }
  return out + html.slice(from);
}

/**
 * The plain-text part of an HTML email, for clients that show text only and for spam filters that expect
 * both: paragraphs and line breaks kept, links written as `text (url)`, everything else stripped. Every
 * pattern is bounded or stops at the next `<`, so the time stays linear in the size of the HTML.
 */
export function htmlToText(html: string): string {
  const text = dropHidden(html)
    .replace(
      /<a\b[^<>]{0,1000}?\bhref\s*=\s*(["'])([^"'<>]{0,4000})\1[^<>]{0,1000}>([\s\S]{0,2000}?)<\/a\s*>/gi,
      (_m, _q, href: string, inner: string) => {
        const label = inner.replace(/<[^<>]*>/g, '').trim();
        const url = decodeEntities(href.trim());
        if (!/^https?:/i.test(url) || decodeEntities(label) === url || label === '') return label || url;
        return `${label} (${url})`;
      },
    )
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^<>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|tr|table|ul|ol|blockquote)\s*>/gi, '\n\n')
    .replace(/<(p|div|h[1-6]|tr|table|ul|ol|blockquote)\b[^<>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^<>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
