import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadIsLive, leadVisibleTo } from '../leads/index.ts';
import type { DuplicateSettings } from './duplicates.settings.ts';

export { type DuplicateSettings, loadDuplicateSettings } from './duplicates.settings.ts';

export type MatchKey = 'email' | 'phone' | 'name';

/** What a lead would be matched on: e-mails as entered, phones already in E.164, its name and company name. */
export interface DuplicateProbe {
  emails: string[];
  phones: string[];
  name?: string | undefined;
  companyName?: string | null | undefined;
}

export interface DuplicateMatch {
  id: string;
  name: string;
  /** Every key the lead matched on, strongest first. */
  matchedOn: MatchKey[];
  /** 1 for the same e-mail or phone; the names' (and company names') similarity otherwise. */
  score: number;
  /** How sure it is the same person, from everything that matched (`matchConfidence`). */
  confidence: number;
}

export interface MatchOptions {
  /** Leads never reported (the lead itself, when looking for its own duplicates). */
  excludeIds?: string[];
  /** Matches per probe, best first (default 10). */
  limit?: number;
  /** Only leads this actor may see. */
  visibleTo?: Actor;
  /**
   * Typo-tolerant names through the trigram index (about 2 ms a probe at 100,000 leads). Without it a name
   * matches on its words alone, whatever their case, order and punctuation: an index lookup, for imports.
   */
  fuzzyNames?: boolean;
}

const KEY_ORDER: MatchKey[] = ['email', 'phone', 'name'];

/**
 * What one matching key alone says about two leads being one person: a shared e-mail is strong (shared mailboxes
 * exist), a shared phone medium (families and offices share numbers), a similar name weak (names repeat), in
 * proportion to how alike the names are.
 */
export const KEY_WEIGHT = { email: 0.8, phone: 0.6, name: 0.5 } as const;

/** Confidence bands, as the review queue words them: high from 0.85, medium from 0.6, low below. */
export const CONFIDENCE_BANDS = { high: 0.85, medium: 0.6 } as const;

/**
 * How sure two leads are one person, from what they share: each matching key is independent evidence, so the
 * chance that all of them are coincidences multiplies (1 - Π(1 - weight)). Same e-mail and name: 0.9 (high);
 * e-mail, phone and name: 0.96; e-mail alone: 0.8; phone and name: 0.8; phone alone: 0.6 (medium); a similar
 * name alone: at most 0.5 (low). `nameScore` is the names' similarity (0..1), when they are alike.
 */
export function matchConfidence(keys: readonly MatchKey[], nameScore: number | null): number {
  let doubt = 1;
  if (keys.includes('email')) doubt *= 1 - KEY_WEIGHT.email;
  if (keys.includes('phone')) doubt *= 1 - KEY_WEIGHT.phone;
  if (keys.includes('name')) doubt *= 1 - KEY_WEIGHT.name * Math.min(1, Math.max(0, nameScore ?? 0));
  return Math.round((1 - doubt) * 1000) / 1000;
}

/** The live leads one probe matches: the same e-mail, the same phone, or a similar name (and company). */
export async function findDuplicates(
  trx: Tx,
  settings: DuplicateSettings,
  probe: DuplicateProbe,
  options: MatchOptions = {},
): Promise<DuplicateMatch[]> {
  const [matches] = await findDuplicatesMany(trx, settings, [probe], { fuzzyNames: true, ...options });
  return matches ?? [];
}

/**
 * The matches of each probe, in the probes' order, in one statement for the whole batch: e-mails and phones
 * through their GIN indexes, names on their word key (or, with `fuzzyNames`, the trigram index).
 */
export async function findDuplicatesMany(
  trx: Tx,
  settings: DuplicateSettings,
  probes: DuplicateProbe[],
  options: MatchOptions = {},
): Promise<DuplicateMatch[][]> {
  const results: DuplicateMatch[][] = probes.map(() => []);
  const rows = probes
    .map((probe, idx) => probeRow(settings, probe, idx))
    .filter((r) => r.e.length > 0 || r.ph.length > 0 || r.n !== '');
  if (rows.length === 0) return results;
  const limit = options.limit ?? 10;
  const threshold = settings.nameThreshold;
  const excluded = sql`l.id <> ALL(${options.excludeIds ?? []}::uuid[])`;
  const visible = options.visibleTo ? leadVisibleTo(options.visibleTo) : sql<SqlBool>`true`;
  const emails = settings.plusAddressing ? sql.ref('l.email_keys') : sql.ref('l.emails');
  const only = sql<SqlBool>`${leadIsLive} AND ${excluded} AND ${visible}`;
  const names = options.fuzzyNames
    ? sql`SELECT p.idx, m.id, m.name, 'name' AS key, m.score, m.score AS name_score FROM p
        CROSS JOIN LATERAL (${fuzzyNameCandidates(threshold, only, limit)}) m`
    : sql`SELECT p.idx, m.id, m.name, 'name' AS key, m.score, m.score AS name_score FROM p
        CROSS JOIN LATERAL (${nameKeyCandidates(threshold, only, limit)}) m`;
  // A lead found by e-mail or phone whose name is alike too: that agreement raises the confidence.
  const alsoNamed = nameAlike(threshold);

  if (options.fuzzyNames) {
    await sql`SELECT set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`.execute(trx);
  }
  const found = await sql<{
    idx: number;
    id: string;
    name: string;
    key: MatchKey;
    score: number;
    name_score: number | null;
  }>`
    WITH p AS MATERIALIZED (
      SELECT x.idx, x.e, x.ph, lower(btrim(x.n)) AS n, lead_company_key(x.c) AS c,
        regexp_replace(x.n, '[^0-9]', '', 'g') AS d, lead_name_key(x.n) AS k
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(idx int, e text[], ph text[], n text, c text)
    )
    -- Per probe (LATERAL), so each is an index lookup whatever the statistics say: joined as sets, a table
    -- not analysed yet since a big import gets compared probe by lead (seconds per 1,000 probes).
    SELECT p.idx, m.id, m.name, 'email' AS key, 1::float8 AS score, m.name_score
    FROM p CROSS JOIN LATERAL (
      SELECT l.id, l.name, ${alsoNamed} AS name_score
      FROM leads l WHERE ${emails} && p.e AND ${leadIsLive} AND ${excluded} AND ${visible}
    ) m
    WHERE cardinality(p.e) > 0
    UNION ALL
    SELECT p.idx, m.id, m.name, 'phone', 1::float8, m.name_score
    FROM p CROSS JOIN LATERAL (
      SELECT l.id, l.name, ${alsoNamed} AS name_score
      FROM leads l WHERE l.phones && p.ph AND ${leadIsLive} AND ${excluded} AND ${visible}
    ) m
    WHERE cardinality(p.ph) > 0
    UNION ALL
    ${names}
  `.execute(trx);

  type Found = Omit<DuplicateMatch, 'confidence'> & { nameScore: number | null };
  const byProbe = new Map<number, Map<string, Found>>();
  for (const row of found.rows) {
    const matches = byProbe.get(row.idx) ?? new Map<string, Found>();
    byProbe.set(row.idx, matches);
    const score = Math.round(Number(row.score) * 1000) / 1000;
    const nameScore = row.name_score === null ? null : Math.round(Number(row.name_score) * 1000) / 1000;
    const keys: MatchKey[] = nameScore !== null && row.key !== 'name' ? [row.key, 'name'] : [row.key];
    const match = matches.get(row.id);
    if (!match) matches.set(row.id, { id: row.id, name: row.name, matchedOn: keys, score, nameScore });
    else {
      for (const key of keys) if (!match.matchedOn.includes(key)) match.matchedOn.push(key);
      match.score = Math.max(match.score, score);
      if (nameScore !== null) match.nameScore = Math.max(match.nameScore ?? 0, nameScore);
    }
  }
  for (const [idx, matches] of byProbe) {
    results[idx] = [...matches.values()]
      .map(({ nameScore, ...m }) => {
        const matchedOn = KEY_ORDER.filter((k) => m.matchedOn.includes(k));
        return { ...m, matchedOn, confidence: matchConfidence(matchedOn, nameScore) };
      })
      .sort(
        (a, b) =>
          b.confidence - a.confidence ||
          b.score - a.score ||
          b.matchedOn.length - a.matchedOn.length ||
          a.id.localeCompare(b.id),
      )
      .slice(0, limit);
  }
  return results;
}

/**
 * When a lead `l` is named like a probe `p` (`p.n` its lower-cased name, `p.d` the digits in it, `p.c` its
 * company key): the names alike (the caller's lookup found it), the numbers in them the same ("Store 12" is not
 * "Store 13"), and the company names alike too when both have one. The score averages the two.
 */
export function nameMatch(threshold: number) {
  return {
    rule: sql<SqlBool>`(l.name_digits = p.d
      AND (p.c IS NULL OR l.company_key IS NULL OR similarity(l.company_key, p.c) >= ${threshold}))`,
    score: sql<number>`(CASE WHEN p.c IS NOT NULL AND l.company_key IS NOT NULL
      THEN (similarity(lower(l.name), p.n) + similarity(l.company_key, p.c)) / 2
      ELSE similarity(lower(l.name), p.n) END)`,
  };
}

/**
 * The similarity of lead `l`'s name to probe `p`'s when they count as alike (the rule of the name lookup and the
 * threshold), else null: for a lead found on its e-mail or phone, whose name then adds to the confidence.
 */
export function nameAlike(threshold: number) {
  const { rule, score } = nameMatch(threshold);
  return sql<number | null>`(CASE WHEN p.n <> '' AND similarity(lower(l.name), p.n) >= ${threshold} AND ${rule}
    THEN ${score} END)`;
}

/**
 * The leads named like probe `p`, typos included, best first (for a LATERAL join; `only` narrows them). A name
 * without numbers is looked up through the trigram index of such names (pg_trgm.similarity_threshold set by the
 * caller); a name with numbers among the names with the same numbers, which are few.
 */
export function fuzzyNameCandidates(threshold: number, only: RawBuilder<SqlBool>, limit: number) {
  const { rule, score } = nameMatch(threshold);
  return sql`SELECT c.id, c.name, c.score FROM (
      SELECT l.id, l.name, ${score} AS score FROM leads l
      WHERE p.d = '' AND p.n <> '' AND l.name_digits = '' AND lower(l.name) % p.n AND ${rule} AND ${only}
      UNION ALL
      SELECT l.id, l.name, ${score} FROM leads l
      WHERE p.d <> '' AND l.name_digits <> '' AND l.name_digits = p.d
        AND similarity(lower(l.name), p.n) >= ${threshold} AND ${rule} AND ${only}
    ) c ORDER BY c.score DESC, c.id LIMIT ${limit}`;
}

/** The leads whose name has the same words as probe `p` (case, order and punctuation aside): one index lookup. */
function nameKeyCandidates(threshold: number, only: RawBuilder<SqlBool>, limit: number) {
  const { rule, score } = nameMatch(threshold);
  return sql`SELECT l.id, l.name, ${score} AS score FROM leads l
    WHERE p.k <> '' AND l.name_key = p.k AND ${rule} AND ${only}
    LIMIT ${limit}`;
}

/** An e-mail as matched: trimmed, lower-cased, and without its plus tag when the company says so. */
export function emailKey(email: string, plusAddressing: boolean): string {
  const normal = email.trim().toLowerCase();
  return plusAddressing ? normal.replace(/\+[^@]*@/, '@') : normal;
}

function probeRow(settings: DuplicateSettings, probe: DuplicateProbe, idx: number) {
  const e = [...new Set(probe.emails.map((x) => emailKey(x, settings.plusAddressing)).filter((x) => x.includes('@')))];
  const ph = [...new Set(probe.phones.filter((x) => /^\+\d{6,15}$/.test(x)))];
  const c = probe.companyName?.trim() || null;
  return { idx, e, ph, n: probe.name?.trim() ?? '', c };
}
