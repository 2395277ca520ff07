import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { looksLikePhone, toE164 } from '../../lib/phone.ts';
import type { FieldAccess } from './lead-fields.ts';

/**
 * How `q` is matched. `exact`: every word is a substring of the lead's name, company, emails or phone digits
 * (the GIN trigram index serves it). `fuzzy`: a word may instead be a near miss of a word of the lead's name
 * (pg_trgm word similarity), for when the exact reading finds nothing. A phone number in any written form
 * matches its E.164.
 */
export type SearchMode = 'exact' | 'fuzzy';

export interface Search {
  words: string[];
  /** The number as E.164 with the company's country, when q reads as a phone number. */
  phone: string | null;
  digits: string | null;
  /** What the words are matched against: the indexed search_text, or only the fields the role may see. */
  text: RawBuilder<string>;
  /** Whether a fuzzy reading is worth trying when the exact one finds nothing. */
  fuzzy: boolean;
}

/** How close a mistyped word must be to a word of the lead (pg_trgm word similarity, 0..1). */
export const FUZZY_THRESHOLD = 0.5;
const MAX_WORDS = 8;

export function parseSearch(q: string | undefined, access: FieldAccess, phoneCountry: () => string): Search | null {
  const text = q?.trim().toLowerCase();
  if (!text) return null;
  const words = [...new Set(text.split(/\s+/))].slice(0, MAX_WORDS);
  const phonesVisible = access.fields.phones !== 'hidden';
  const isPhone = looksLikePhone(text);
  const phone = isPhone && phonesVisible ? toE164(text, phoneCountry()) : null;
  const digits = isPhone && phonesVisible ? text.replace(/\D/g, '') : null;
  return {
    words,
    phone,
    digits,
    text: searchText(access),
    fuzzy: !isPhone && words.some((w) => w.length >= 3),
  };
}

/**
 * search_text holds name, company, emails and phone digits. A role that may not see some of them searches the
 * rest only (without the index), so a match cannot reveal a hidden value.
 */
function searchText(access: FieldAccess): RawBuilder<string> {
  const hidden = (['companyName', 'emails', 'phones'] as const).filter((f) => access.fields[f] === 'hidden');
  if (hidden.length === 0) return sql<string>`l.search_text`;
  const parts: RawBuilder<unknown>[] = [sql`l.name`];
  if (!hidden.includes('companyName')) parts.push(sql`l.company_name`);
  if (!hidden.includes('emails')) parts.push(sql`array_to_string(l.emails, ' ')`);
  if (!hidden.includes('phones')) parts.push(sql`regexp_replace(array_to_string(l.phones, ' '), '[^0-9 ]', '', 'g')`);
  return sql<string>`lower(concat_ws(' ', ${sql.join(parts)}))`;
}

const likeEscape = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function searchCondition(search: Search, mode: SearchMode): Expression<SqlBool> {
  const words = search.words.map((word) =>
    mode === 'fuzzy'
      ? sql<SqlBool>`(${search.text} LIKE ${likeEscape(word)} OR ${word} <% lower(l.name))`
      : sql<SqlBool>`${search.text} LIKE ${likeEscape(word)}`,
  );
  const alternatives: Expression<SqlBool>[] = [sql<SqlBool>`(${sql.join(words, sql` AND `)})`];
  if (search.phone) alternatives.push(sql<SqlBool>`l.phones @> ARRAY[${search.phone}]::text[]`);
  if (search.digits) alternatives.push(sql<SqlBool>`${search.text} LIKE ${likeEscape(search.digits)}`);
  return sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})`;
}

/** The fuzzy operator's threshold is a setting of the transaction, read by the index scan too. */
export const fuzzyThreshold = sql`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true)`;
