import { leadFields, leadSources } from '../leads/index.ts';

import type { Mapping } from './imports.schemas.ts';

/** How a header reads once case, spaces and punctuation are gone: "Mobile Phone Number" -> "mobilephonenumber". */
export const squash = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * Header names per field, best first: the name parts here, the lead's own fields from the catalog's `import`.
 * A field that takes one value gets the best-ranked header only.
 */
const aliases: [string, readonly string[]][] = [
  ['firstName', ['firstname', 'first', 'givenname', 'fname', 'forename']],
  ['lastName', ['lastname', 'last', 'surname', 'familyname', 'lname']],
  ...leadFields.flatMap((f): [string, readonly string[]][] =>
    f.import && f.import.aliases.length > 0 ? [[f.import.target ?? f.key, f.import.aliases]] : [],
  ),
];

/** Fields several columns may feed (their values are joined or listed). */
export const multiColumnFields = new Set(
  leadFields.flatMap((f) => (f.import?.multi ? [f.import.target ?? f.key] : [])),
);

export interface SuggestContext {
  customFields: { key: string; label: string }[];
  stages: { key: string; name: string; kind: string }[];
  users: { id: string; name: string; email: string; active: boolean }[];
}

/**
 * A mapping to start from: each header matched to a field by name, custom fields by key or label, and value
 * maps for the picklist columns (status -> stage, source -> lead source, owner -> user) from the values the
 * file holds.
 */
export function suggestMapping(
  headers: string[],
  columnValues: Record<string, string[] | null>,
  ctx: SuggestContext,
): Mapping {
  const byAlias = new Map<string, { field: string; rank: number }>();
  for (const [field, names] of aliases) {
    names.forEach((name, rank) => {
      if (!byAlias.has(name)) byAlias.set(name, { field, rank });
    });
  }
  for (const def of ctx.customFields) {
    for (const name of [squash(def.key), squash(def.label), `${squash(def.key)}c`]) {
      byAlias.set(name, { field: `customFields.${def.key}`, rank: -1 });
    }
  }
  const best = new Map<string, { header: string; rank: number }>();
  const columns: Record<string, string> = {};
  for (const header of headers) {
    const found = byAlias.get(squash(header));
    if (!found) continue;
    if (multiColumnFields.has(found.field)) {
      columns[header] = found.field;
      continue;
    }
    const current = best.get(found.field);
    if (!current || found.rank < current.rank) best.set(found.field, { header, rank: found.rank });
  }
  for (const [field, { header }] of best) columns[header] = field;
  // A full name column makes first and last name columns redundant only when both are absent.
  const mapping: Mapping = {
    columns: Object.fromEntries(headers.filter((h) => columns[h]).map((h) => [h, columns[h] as string])),
  };
  const values = suggestValues(mapping, columnValues, ctx);
  if (Object.keys(values).length > 0) mapping.values = values;
  return mapping;
}

const stageSynonyms: Record<string, string[]> = {
  open: [
    'new',
    'open',
    'opennotcontacted',
    'notcontacted',
    'prospecting',
    'prospect',
    'lead',
    'subscriber',
    'attemptedtocontact',
    'unworked',
  ],
  working: [
    'workingcontacted',
    'contacted',
    'inprogress',
    'working',
    'engaging',
    'engaged',
    'connected',
    'qualified',
    'opendeal',
    'marketingqualifiedlead',
    'salesqualifiedlead',
    'opportunity',
    'demo',
    'meeting',
  ],
  won: ['won', 'closedwon', 'closedconverted', 'converted', 'customer', 'win', 'deal'],
  lost: [
    'lost',
    'closedlost',
    'closednotconverted',
    'notconverted',
    'unqualified',
    'junk',
    'junklead',
    'disqualified',
    'badtiming',
    'dead',
  ],
};

const sourceSynonyms: Record<string, string[]> = {
  web_form: [
    'web',
    'website',
    'webform',
    'form',
    'webformsubmission',
    'organicsearch',
    'directtraffic',
    'onlinestore',
    'chat',
  ],
  facebook: ['facebook', 'fb', 'facebookads', 'instagram', 'socialmedia', 'paidsocial', 'organicsocial'],
  whatsapp: ['whatsapp'],
  referral: ['referral', 'employeereferral', 'externalreferral', 'wordofmouth', 'referrals'],
  partner: ['partner', 'partnerreferral', 'reseller', 'channelpartner'],
  api: ['api', 'integration'],
  erp: ['erp', 'tally', 'sap'],
  import: ['import', 'offlinesources', 'offline', 'list', 'purchasedlist'],
  manual: ['manual', 'coldcall', 'phoneinquiry', 'walkin', 'inbound', 'outbound'],
};

function stageFor(raw: string, stages: SuggestContext['stages']): string | null {
  const s = squash(raw);
  const direct = stages.find((st) => squash(st.key) === s || squash(st.name) === s);
  if (direct) return direct.key;
  const open = stages.filter((st) => st.kind === 'open');
  if (stageSynonyms.won?.includes(s)) return stages.find((st) => st.kind === 'won')?.key ?? null;
  if (stageSynonyms.lost?.includes(s)) return stages.find((st) => st.kind === 'lost')?.key ?? null;
  if (stageSynonyms.working?.includes(s)) return open[1]?.key ?? open[0]?.key ?? null;
  return open[0]?.key ?? null;
}

export function sourceFor(raw: string): (typeof leadSources)[number] {
  const s = squash(raw);
  const direct = leadSources.find((source) => squash(source) === s);
  if (direct) return direct;
  for (const [source, names] of Object.entries(sourceSynonyms)) {
    if (names.includes(s)) return source as (typeof leadSources)[number];
  }
  return 'other';
}

export function userFor(raw: string, users: SuggestContext['users']): string | null {
  const s = raw.trim().toLowerCase();
  const found =
    users.find((u) => u.active && u.email.toLowerCase() === s) ??
    users.find((u) => u.active && u.name.trim().toLowerCase() === s);
  return found?.id ?? null;
}

function suggestValues(
  mapping: Mapping,
  columnValues: Record<string, string[] | null>,
  ctx: SuggestContext,
): NonNullable<Mapping['values']> {
  const values: NonNullable<Mapping['values']> = {};
  for (const [header, target] of Object.entries(mapping.columns)) {
    const distinct = columnValues[header];
    if (!distinct || distinct.length === 0 || typeof target !== 'string') continue;
    if (target === 'stage') values.stage = Object.fromEntries(distinct.map((v) => [v, stageFor(v, ctx.stages) ?? '']));
    if (target === 'source')
      values.source = Object.fromEntries(distinct.map((v) => [v, sourceFor(v)])) as typeof values.source;
    if (target === 'owner') {
      const owners = distinct.map((v) => [v, userFor(v, ctx.users)] as const).filter(([, id]) => id !== null);
      if (owners.length > 0) values.owner = Object.fromEntries(owners) as Record<string, string>;
    }
  }
  if (values.stage) values.stage = Object.fromEntries(Object.entries(values.stage).filter(([, key]) => key));
  if (values.stage && Object.keys(values.stage).length === 0) delete values.stage;
  return values;
}
