import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { looksLikePhone, toE164 } from '../../lib/phone.ts';
import type { FieldAccess } from './lead-fields.ts';

/**
 * How `q` is matched. `exact`: every word is a substring of the lead's name, company, emails or phone digits
 * (the GIN trigram index serves it). `fuzzy`: a word may instead be a near miss of a word of the lead's name
 * (pg_trgm word similarity), or of a word of its company name when the role may see company names, for when the
 * exact reading finds nothing. The near misses are looked up first in the company's dictionaries of name words
 * and of company-name words (loadNearWords), then found as substrings of names (or company names) through their
 * indexes: comparing a short, common-trigram word with every name directly rechecks tens of thousands of rows.
 * A phone number in any written form matches its E.164.
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
  /** Per word, the name words near it (set by loadNearWords before a fuzzy reading). */
  near: Map<string, string[]>;
  /** Whether the role may see company names, so that a near miss of one may find a lead. */
  companyVisible: boolean;
  /** Per word, the company-name words near it (set by loadNearWords, when company names are visible). */
  nearCompany: Map<string, string[]>;
}

/** How close a mistyped word must be to a word of the lead (pg_trgm word similarity, 0..1). */
export const FUZZY_THRESHOLD = 0.5;
const MAX_WORDS = 8;
/** The closest name words a mistyped word may stand for. */
const MAX_NEAR = 20;

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
    near: new Map(),
    companyVisible: access.fields.companyName !== 'hidden',
    nearCompany: new Map(),
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
  const words = search.words.map((word) => {
    const exact = sql<SqlBool>`${search.text} LIKE ${likeEscape(word)}`;
    const near = mode === 'fuzzy' ? (search.near.get(word) ?? []) : [];
    const nearCompany = mode === 'fuzzy' && search.companyVisible ? (search.nearCompany.get(word) ?? []) : [];
    if (near.length === 0 && nearCompany.length === 0) return exact;
    const names = [
      ...near.map((w) => sql<SqlBool>`lower(l.name) LIKE ${likeEscape(w)}`),
      ...nearCompany.map((w) => sql<SqlBool>`lower(l.company_name) LIKE ${likeEscape(w)}`),
    ];
    return sql<SqlBool>`(${exact} OR ${sql.join(names, sql` OR `)})`;
  });
  const alternatives: Expression<SqlBool>[] = [sql<SqlBool>`(${sql.join(words, sql` AND `)})`];
  if (search.phone) alternatives.push(sql<SqlBool>`l.phones @> ARRAY[${search.phone}]::text[]`);
  if (search.digits) alternatives.push(sql<SqlBool>`${search.text} LIKE ${likeEscape(search.digits)}`);
  return sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})`;
}

/**
 * Finds, for each word of the search, the name words (and, when the role may see them, the company-name words)
 * of the company within FUZZY_THRESHOLD of it (closest first), for the fuzzy reading. The operator's threshold
 * is a setting of the transaction.
 */
export async function loadNearWords(trx: Tx, search: Search): Promise<void> {
  await sql`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true)`.execute(trx);
  const { rows } = await sql<{ typed: string; near: string[] }>`
    SELECT q.word AS typed, n.near FROM unnest(${search.words}::text[]) AS q(word)
    CROSS JOIN LATERAL (
      SELECT array_agg(d.word) AS near FROM (
        SELECT d.word FROM lead_name_words d WHERE q.word <% d.word
        ORDER BY q.word <<-> d.word, d.word LIMIT ${MAX_NEAR}
      ) d
    ) n WHERE n.near IS NOT NULL`.execute(trx);
  search.near = new Map(rows.map((r) => [r.typed, r.near]));
  if (!search.companyVisible) return;
  const company = await sql<{ typed: string; near: string[] }>`
    SELECT q.word AS typed, n.near FROM unnest(${search.words}::text[]) AS q(word)
    CROSS JOIN LATERAL (
      SELECT array_agg(d.word) AS near FROM (
        SELECT d.word FROM lead_company_words d WHERE q.word <% d.word
        ORDER BY q.word <<-> d.word, d.word LIMIT ${MAX_NEAR}
      ) d
    ) n WHERE n.near IS NOT NULL`.execute(trx);
  search.nearCompany = new Map(company.rows.map((r) => [r.typed, r.near]));
}
