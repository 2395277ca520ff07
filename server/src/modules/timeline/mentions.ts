import { isUuid } from '../../lib/ids.ts';

/**
 * Mentions are written as `@[Name](userId)`: the web's @-autocomplete inserts that markup, the name keeps the
 * text readable anywhere, and the id (not the name) says who is meant, so renamed or same-named colleagues
 * are never confused.
 */
const MENTION = /@\[([^\]\n]{1,200})\]\(([0-9a-fA-F-]{36})\)/g;

/** The distinct user ids a note mentions, in the order they first appear. */
export function mentionedIds(body: string): string[] {
  const ids: string[] = [];
  for (const match of body.matchAll(MENTION)) {
    const id = match[2]?.toLowerCase();
    if (id && isUuid(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The note as plain text (`@Name` for each mention), for notification bodies. */
export function plainText(body: string): string {
  return body.replace(MENTION, (_match, name: string) => `@${name}`);
}
