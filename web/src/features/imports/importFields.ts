import { leadCatalog } from '../../lib/lead-catalog';
import type { CustomFieldDef } from '../leads/customFields.queries';
import type { Mapping } from './imports.queries';

/** What an import mapping calls a catalog field (a column feeds one email; the lead keeps a list). */
function targetName(f: (typeof leadCatalog)[number]): string | null {
  if (!('import' in f)) return null;
  const spec = f.import as { target?: string };
  return spec.target ?? f.key;
}

const importTargets = leadCatalog.flatMap((f) => {
  const target = targetName(f);
  return target && f.type !== 'jsonb' ? [{ key: f.key, target, label: f.label }] : [];
});
/** How a column feeding one value of a list field is named ("Email" feeds one of the lead's emails). */
const singular: Record<string, string> = { email: 'Email', phone: 'Phone' };
const contact = new Set(['name', 'companyName', 'emails', 'phones']);
const location = new Set(['city', 'state', 'country', 'territory']);
const item = (f: (typeof importTargets)[number]) => ({ value: f.target, label: singular[f.target] ?? f.label });

/** The lead fields a column can feed (the catalog's import targets), in the order a person looks for them. */
export const targetGroups: { group: string; items: { value: string; label: string }[] }[] = [
  {
    group: 'Contact',
    items: [
      ...importTargets.filter((f) => f.key === 'name').map(item),
      { value: 'firstName', label: 'First name' },
      { value: 'lastName', label: 'Last name' },
      ...importTargets.filter((f) => contact.has(f.key) && f.key !== 'name').map(item),
    ],
  },
  { group: 'Deal', items: importTargets.filter((f) => !contact.has(f.key) && !location.has(f.key)).map(item) },
  { group: 'Location', items: importTargets.filter((f) => location.has(f.key)).map(item) },
];

export const IGNORE = 'ignore';

export function targetOptions(defs: readonly CustomFieldDef[]) {
  return [
    { group: 'Skip', items: [{ value: IGNORE, label: 'Do not import' }] },
    ...targetGroups,
    ...(defs.length > 0
      ? [{ group: 'Custom fields', items: defs.map((d) => ({ value: `customFields.${d.key}`, label: d.label })) }]
      : []),
  ];
}

export function targetLabel(target: string, defs: readonly CustomFieldDef[]): string {
  for (const group of targetGroups) {
    const found = group.items.find((item) => item.value === target);
    if (found) return found.label;
  }
  if (target.startsWith('customFields.')) {
    const key = target.slice('customFields.'.length);
    return defs.find((d) => d.key === key)?.label ?? key;
  }
  return target === IGNORE ? 'Do not import' : (apiFieldLabels[target] ?? target);
}

/** The lead's own field names, which row errors may use instead of the import's. */
const apiFieldLabels: Record<string, string> = Object.fromEntries(
  leadCatalog.map((f) => [f.key, singular[targetName(f) ?? f.key] ?? f.label]),
);

/** The field one column feeds; a column feeding several shows its first (the rest are kept as they are). */
export function targetOf(mapping: Mapping, header: string): string {
  const value = mapping.columns[header];
  if (Array.isArray(value)) return value[0] ?? IGNORE;
  return value ?? IGNORE;
}

export function withTarget(mapping: Mapping, header: string, target: string): Mapping {
  const columns = { ...mapping.columns };
  if (target === IGNORE) delete columns[header];
  else columns[header] = target;
  return { ...mapping, columns };
}

/** Every field some column feeds. */
export function mappedTargets(mapping: Mapping): Set<string> {
  const out = new Set<string>();
  for (const value of Object.values(mapping.columns)) {
    for (const target of Array.isArray(value) ? value : [value]) if (target !== IGNORE) out.add(target);
  }
  return out;
}

/** Whether every row can get a name: a column (or first/last name columns) feeds it, or a constant does. */
export function hasName(mapping: Mapping): boolean {
  const targets = mappedTargets(mapping);
  return targets.has('name') || targets.has('firstName') || targets.has('lastName') || Boolean(mapping.constants?.name);
}

/** The headers whose values a value map translates, per kind (stage keys, sources, owners). */
export function valueMapColumns(mapping: Mapping, kind: 'stage' | 'source' | 'owner'): string[] {
  return Object.entries(mapping.columns)
    .filter(([, value]) => (Array.isArray(value) ? value.includes(kind) : value === kind))
    .map(([header]) => header);
}

/** Empty value maps and constants are left out, so a saved mapping holds only what was chosen. */
export function cleanMapping(mapping: Mapping): Mapping {
  const constants = Object.fromEntries(Object.entries(mapping.constants ?? {}).filter(([, v]) => v.trim() !== ''));
  const values: NonNullable<Mapping['values']> = {};
  for (const kind of ['stage', 'source', 'owner'] as const) {
    const map = mapping.values?.[kind];
    if (!map) continue;
    const kept = Object.fromEntries(Object.entries(map).filter(([, v]) => Boolean(v)));
    if (Object.keys(kept).length > 0) (values as Record<string, Record<string, string>>)[kind] = kept;
  }
  return {
    columns: mapping.columns,
    ...(Object.keys(constants).length > 0 ? { constants } : {}),
    ...(Object.keys(values).length > 0 ? { values } : {}),
    ...(mapping.dateFormat && mapping.dateFormat !== 'auto' ? { dateFormat: mapping.dateFormat } : {}),
    ...(mapping.badValues === 'skip_value' ? { badValues: mapping.badValues } : {}),
  };
}
