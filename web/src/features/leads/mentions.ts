/**
 * Notes mention colleagues as `@[Their Name](their user id)` (what the server reads and notifies). People type and
 * read `@Their Name`; these turn one into the other.
 */
export interface Mention {
  id: string;
  name: string;
}

const MARKUP = /@\[([^\]\n]{1,120})\]\(([0-9a-fA-F-]{36})\)/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `@Asha Rao` -> `@[Asha Rao](id)` for each person picked while typing (longest names first, whole names only). */
export function toMarkup(text: string, mentions: readonly Mention[]): string {
  const unique = [...new Map(mentions.map((m) => [m.name, m])).values()].sort((a, b) => b.name.length - a.name.length);
  let out = text;
  for (const mention of unique) {
    const pattern = new RegExp(`(^|[^\\w\\[])@${escapeRegExp(mention.name)}(?![\\w])`, 'g');
    out = out.replace(pattern, (_all, before: string) => `${before}@[${mention.name}](${mention.id})`);
  }
  return out;
}

/** The note as typed, and the people it mentions: for editing a saved note. */
export function fromMarkup(body: string): { text: string; mentions: Mention[] } {
  const mentions: Mention[] = [];
  const text = body.replace(MARKUP, (_all, name: string, id: string) => {
    mentions.push({ id, name });
    return `@${name}`;
  });
  return { text, mentions };
}

/** The note cut into plain text and mentions, for display. */
export function splitMentions(body: string): (string | Mention)[] {
  const parts: (string | Mention)[] = [];
  let last = 0;
  for (const match of body.matchAll(MARKUP)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(body.slice(last, index));
    parts.push({ name: match[1] ?? '', id: match[2] ?? '' });
    last = index + match[0].length;
  }
  if (last < body.length) parts.push(body.slice(last));
  return parts;
}

/** The `@query` being typed just before the caret, if any. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  // A first name and the start of a last name: "@Asha R".
  const match = /(^|\s)@([^\s@[\]()]{0,30}(?: [^\s@[\]()]{0,30})?)$/.exec(before);
  if (!match) return null;
  return { start: before.length - (match[2]?.length ?? 0) - 1, query: match[2] ?? '' };
}
