import { leadFields } from '../leads/index.ts';

/** The lead fields a form's answer may fill (besides `customFields.<key>`); the catalog's import aliases suggest them. */
const TARGETS = [
  'name',
  'firstName',
  'lastName',
  'companyName',
  'email',
  'phone',
  'campaign',
  'product',
  'city',
  'state',
  'country',
  'territory',
  'notes',
] as const;

/** How a key reads once case, spaces and punctuation are gone: "phone_number" -> "phonenumber". */
export const squash = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Names per target, best first: Meta's own standard question keys, then the lead catalog's import aliases. */
const aliases: [string, readonly string[]][] = [
  ['name', ['fullname']],
  ['firstName', ['firstname', 'givenname']],
  ['lastName', ['lastname', 'surname', 'familyname']],
  ['phone', ['phonenumber']],
  ['companyName', ['companyname']],
  ['state', ['province']],
  ...leadFields.flatMap((f): [string, readonly string[]][] => {
    const target = f.import?.target ?? f.key;
    return f.import && (TARGETS as readonly string[]).includes(target) ? [[target, f.import.aliases]] : [];
  }),
];

export type MappingEntry = { key: string; target: string | null };

/**
 * A mapping to start from: each question key matched to a lead field by name (full_name -> name, email ->
 * email, phone_number -> phone, city, state, country, company_name, ...), then to a custom field by key or label.
 * A target is used once (the first key that names it); the rest stay unmapped, kept on the timeline.
 */
export function suggestMapping(keys: string[], customFields: { key: string; label: string }[]): MappingEntry[] {
  const byName = new Map<string, string>();
  for (const [target, names] of aliases) for (const n of names) if (!byName.has(n)) byName.set(n, target);
  for (const f of customFields) {
    for (const n of [squash(f.key), squash(f.label)]) if (!byName.has(n)) byName.set(n, `customFields.${f.key}`);
  }
  const used = new Set<string>();
  return keys.map((key) => {
    const target = byName.get(squash(key)) ?? null;
    if (!target || used.has(target)) return { key, target: null };
    used.add(target);
    return { key, target };
  });
}

export interface Answer {
  name: string;
  values: string[];
}

export interface MappedLead {
  body: Record<string, unknown> & { name: string };
  /** Answers no field took: kept on the lead's timeline. */
  unmapped: Answer[];
}

/**
 * The lead a form's answers describe, through the mapping: names joined, emails and phones listed, custom fields
 * set; what nothing maps is returned apart. The campaign comes from the ad when no answer gives one.
 */
export function applyMapping(
  answers: Answer[],
  mapping: MappingEntry[],
  extra: { leadgenId: string; campaignName: string | null },
): MappedLead {
  const targetOf = new Map(mapping.map((m) => [m.key, m.target]));
  const body: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  const unmapped: Answer[] = [];
  const emails: string[] = [];
  const phones: string[] = [];
  const notes: string[] = [];
  let first = '';
  let last = '';
  for (const answer of answers) {
    const value = answer.values
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .join(', ');
    const target = targetOf.get(answer.name) ?? null;
    if (!target || value === '') {
      if (value !== '') unmapped.push(answer);
      continue;
    }
    if (target.startsWith('customFields.')) custom[target.slice('customFields.'.length)] = value.slice(0, 2000);
    else if (target === 'email') emails.push(...answer.values.map((v) => v.trim()).filter((v) => v !== ''));
    else if (target === 'phone') phones.push(...answer.values.map((v) => v.trim()).filter((v) => v !== ''));
    else if (target === 'firstName') first = value;
    else if (target === 'lastName') last = value;
    else if (target === 'notes') notes.push(value);
    else body[target] = value.slice(0, target === 'name' ? 200 : 100);
  }
  if (emails.length > 0) body.emails = emails.slice(0, 10);
  if (phones.length > 0) body.phones = phones.slice(0, 10);
  if (notes.length > 0) body.notes = notes.join('\n').slice(0, 10_000);
  if (Object.keys(custom).length > 0) body.customFields = custom;
  if (!body.campaign && extra.campaignName) body.campaign = extra.campaignName.slice(0, 200);
  const name =
    (body.name as string | undefined) ||
    [first, last].filter(Boolean).join(' ') ||
    emails[0] ||
    phones[0] ||
    `Facebook lead ${extra.leadgenId}`;
  return { body: { ...body, name: name.slice(0, 200) }, unmapped };
}

/** The stored mapping, or the suggestion for the keys seen when none was saved; new keys get suggestions too. */
export function effectiveMapping(
  stored: MappingEntry[] | null,
  keys: string[],
  customFields: { key: string; label: string }[],
): MappingEntry[] {
  if (!stored) return suggestMapping(keys, customFields);
  const known = new Set(stored.map((m) => m.key));
  const fresh = keys.filter((k) => !known.has(k));
  if (fresh.length === 0) return stored;
  const taken = new Set(stored.map((m) => m.target).filter(Boolean));
  const suggested = suggestMapping(fresh, customFields).map((m) =>
    m.target && taken.has(m.target) ? { ...m, target: null } : m,
  );
  return [...stored, ...suggested];
}
