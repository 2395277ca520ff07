import { leadSourceLabels } from '../leads/index.ts';
import { fieldValue } from './scoring.rules.ts';
import { countBetween, lastBefore, type SignalKind, type Signals } from './scoring.signals.ts';

/**
 * The model's view of a lead at a cut-off: only what was known then. Field values are the lead's as of the
 * cut-off (a change the audit log records after it is undone), behaviour is counted before it, and the lead's age
 * and the days since its last touch are measured at it. Stage, lost reason, closing dates, notes, tags and owner
 * are never read.
 */
const DAY_MS = 86_400_000;

/** The built-in fields the model reads (their values as of the cut-off), one-hot over their frequent values. */
export const categoryFields = ['source', 'campaign', 'product', 'city', 'state', 'country', 'territory'] as const;
/** Behaviour counted before the cut-off. */
export const countSignals: readonly { signal: SignalKind; label: string; noun: [string, string] }[] = [
  { signal: 'activity_done', label: 'Activities done', noun: ['activity done', 'activities done'] },
  { signal: 'call_logged', label: 'Calls', noun: ['call', 'calls'] },
  { signal: 'meeting_held', label: 'Meetings held', noun: ['meeting held', 'meetings held'] },
  { signal: 'email_opened', label: 'Emails opened', noun: ['email opened', 'emails opened'] },
  { signal: 'whatsapp_replied', label: 'WhatsApp replies', noun: ['WhatsApp reply', 'WhatsApp replies'] },
];
/** Ages and gaps beyond these read as these (the snapshots the model learns from are at most 30 days old). */
const MAX_AGE_DAYS = 60;
const MAX_TOUCH_DAYS = 90;

/** A lead as the scorer reads it: its values now (API names), channel, creation and behaviour. */
export interface LeadFacts {
  id: string;
  createdAt: number;
  createdVia: string;
  values: Record<string, unknown>;
  signals: Signals;
}

/** A recorded change of a lead's fields (from the audit log). */
export interface FieldChange {
  at: number;
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** What the model reads of a lead at a cut-off. */
export interface Raw {
  values: Record<string, unknown>;
  createdVia: string;
  ageDays: number;
  touchDays: number;
  counts: Record<string, number>;
}

/**
 * The lead's values as of `cutoff`: for each field changed after it, the value before the first such change.
 * `changes` are the lead's changes after some instant not later than the cut-off, oldest first.
 */
export function valuesAt(values: Record<string, unknown>, changes: readonly FieldChange[], cutoff: number) {
  const out: Record<string, unknown> = { ...values, customFields: { ...(values.customFields as object) } };
  const undone = new Set<string>();
  for (const change of changes) {
    if (change.at <= cutoff) continue;
    for (const [field, { from }] of Object.entries(change.changes)) {
      if (undone.has(field)) continue;
      undone.add(field);
      if (field.startsWith('customFields.')) {
        (out.customFields as Record<string, unknown>)[field.slice('customFields.'.length)] = from;
      } else out[field] = from;
    }
  }
  return out;
}

/** The model's raw reading of a lead at a cut-off (changes: the lead's audit changes, oldest first). */
export function rawAt(facts: LeadFacts, changes: readonly FieldChange[], cutoff: number): Raw {
  const counts: Record<string, number> = {};
  for (const c of countSignals) counts[c.signal] = countBetween(facts.signals[c.signal], null, cutoff);
  const lastTouch = Math.max(facts.createdAt, lastBefore(facts.signals.touch, cutoff) ?? facts.createdAt);
  return {
    values: valuesAt(facts.values, changes, cutoff),
    createdVia: facts.createdVia,
    ageDays: Math.max(0, (cutoff - facts.createdAt) / DAY_MS),
    touchDays: Math.max(0, (cutoff - lastTouch) / DAY_MS),
    counts,
  };
}

// ---- Encoding: the feature groups a model is made of, learned from its training examples ----

export interface CustomDef {
  key: string;
  label: string;
  type: string;
}

type GroupBase = { name: string; label: string; field: string | null };
export type Group =
  | (GroupBase & { kind: 'category'; values: string[]; names: string[] })
  | (GroupBase & { kind: 'multi'; values: string[]; names: string[] })
  | (GroupBase & { kind: 'number'; mean: number; std: number; log: boolean })
  | (GroupBase & { kind: 'flag' })
  | (GroupBase & { kind: 'count'; signal: string; mean: number; std: number; noun: [string, string] })
  | (GroupBase & { kind: 'age'; mean: number; std: number })
  | (GroupBase & { kind: 'touch'; mean: number; std: number });

/** How many columns a group takes. */
export function width(g: Group): number {
  if (g.kind === 'category' || g.kind === 'multi') return g.values.length;
  if (g.kind === 'number') return 2;
  return 1;
}

const key = (v: unknown) => String(v).trim().toLowerCase();
const present = (v: unknown) => v !== null && v !== undefined && v !== '';
const TOP_VALUES = 12;

function frequent(list: unknown[][], minCount: number): { values: string[]; names: string[] } {
  const counts = new Map<string, { n: number; names: Map<string, number> }>();
  for (const values of list) {
    for (const v of new Set(values.filter(present).map(String))) {
      const k = key(v);
      const entry = counts.get(k) ?? { n: 0, names: new Map() };
      entry.n++;
      entry.names.set(v.trim(), (entry.names.get(v.trim()) ?? 0) + 1);
      counts.set(k, entry);
    }
  }
  // A value (nearly) every example has, or too few have, tells the examples apart no better than the intercept.
  const top = [...counts.entries()]
    .filter(([, e]) => e.n >= minCount && e.n <= list.length - minCount)
    .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_VALUES);
  return {
    values: top.map(([k]) => k),
    names: top.map(([, e]) => [...e.names.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ''),
  };
}

function moments(xs: number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: 0, std: 1 };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  const std = Math.sqrt(variance);
  return { mean, std: std > 1e-9 ? std : 1 };
}

const ageOf = (r: Raw) => Math.log1p(Math.min(r.ageDays, MAX_AGE_DAYS));
const touchOf = (r: Raw) => Math.log1p(Math.min(r.touchDays, MAX_TOUCH_DAYS));
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : present(v) ? [v] : []);
const labelOf: Record<string, string> = {
  source: 'Source',
  campaign: 'Campaign',
  product: 'Product',
  city: 'City',
  state: 'State',
  country: 'Country',
  territory: 'Territory',
};

/** The feature groups learned from training examples (frequent values, means and spreads). */
export function buildGroups(raws: readonly Raw[], custom: readonly CustomDef[]): Group[] {
  const minCount = Math.max(5, Math.ceil(raws.length * 0.005));
  const groups: Group[] = [];
  const category = (name: string, label: string, field: string | null, read: (r: Raw) => unknown) => {
    const { values, names } = frequent(
      raws.map((r) => asList(read(r))),
      minCount,
    );
    if (values.length > 0) groups.push({ kind: 'category', name, label, field, values, names });
  };
  for (const f of categoryFields) category(f, labelOf[f] ?? f, f, (r) => r.values[f]);
  category('createdVia', 'Created via', 'createdVia', (r) => r.createdVia);
  groups.push({ kind: 'flag', name: 'partner', label: 'Partner', field: 'partnerId' });
  const values = raws.map((r) => r.values.expectedValue).filter((v): v is number => typeof v === 'number');
  groups.push({
    kind: 'number',
    name: 'expectedValue',
    label: 'Expected value',
    field: 'expectedValue',
    log: true,
    ...moments(values.map((v) => Math.log1p(Math.max(0, v)))),
  });
  for (const c of custom) {
    const field = `customFields.${c.key}`;
    const read = (r: Raw) => fieldValue(r.values, field);
    if (c.type === 'select' || c.type === 'multi_select') {
      const { values: vs, names } = frequent(
        raws.map((r) => asList(read(r))),
        minCount,
      );
      if (vs.length > 0) {
        groups.push({
          kind: c.type === 'select' ? 'category' : 'multi',
          name: field,
          label: c.label,
          field,
          values: vs,
          names,
        });
      }
    } else if (c.type === 'number') {
      const xs = raws.map(read).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (xs.length > 0)
        groups.push({ kind: 'number', name: field, label: c.label, field, log: false, ...moments(xs) });
    } else if (c.type === 'boolean') {
      groups.push({ kind: 'flag', name: field, label: c.label, field });
    }
  }
  for (const c of countSignals) {
    groups.push({
      kind: 'count',
      name: c.signal,
      label: c.label,
      field: null,
      signal: c.signal,
      noun: c.noun,
      ...moments(raws.map((r) => Math.log1p(r.counts[c.signal] ?? 0))),
    });
  }
  groups.push({ kind: 'age', name: 'age', label: 'Age of the lead', field: null, ...moments(raws.map(ageOf)) });
  groups.push({
    kind: 'touch',
    name: 'touch',
    label: 'Days since last touch',
    field: null,
    ...moments(raws.map(touchOf)),
  });
  return groups;
}

function fieldRead(g: Group, r: Raw): unknown {
  if (g.name === 'createdVia') return r.createdVia;
  return g.field ? fieldValue(r.values, g.field) : null;
}

/** Writes a group's columns for one example into `out` at `offset`. */
export function encodeGroup(g: Group, r: Raw, out: Float32Array | number[], offset: number): void {
  switch (g.kind) {
    case 'category':
    case 'multi': {
      const have = new Set(asList(fieldRead(g, r)).map(key));
      for (const [i, v] of g.values.entries()) out[offset + i] = have.has(v) ? 1 : 0;
      return;
    }
    case 'number': {
      const v = fieldRead(g, r);
      if (typeof v === 'number' && Number.isFinite(v)) {
        out[offset] = ((g.log ? Math.log1p(Math.max(0, v)) : v) - g.mean) / g.std;
        out[offset + 1] = 0;
      } else {
        out[offset] = 0;
        out[offset + 1] = 1;
      }
      return;
    }
    case 'flag': {
      const v = fieldRead(g, r);
      out[offset] = g.field === 'partnerId' ? (present(v) ? 1 : 0) : v === true ? 1 : 0;
      return;
    }
    case 'count':
      out[offset] = (Math.log1p(r.counts[g.signal] ?? 0) - g.mean) / g.std;
      return;
    case 'age':
      out[offset] = (ageOf(r) - g.mean) / g.std;
      return;
    case 'touch':
      out[offset] = (touchOf(r) - g.mean) / g.std;
      return;
  }
}

/** Total columns of a list of groups. */
export function columnCount(groups: readonly Group[]): number {
  return groups.reduce((s, g) => s + width(g), 0);
}

/** One example's row of features. */
export function encode(groups: readonly Group[], r: Raw, out: Float32Array | number[] = []): Float32Array | number[] {
  let offset = 0;
  for (const g of groups) {
    encodeGroup(g, r, out, offset);
    offset += width(g);
  }
  return out;
}

/** Names and labels of the columns, in order (for the admin's list of weights). */
export function columnNames(groups: readonly Group[]): { name: string; label: string }[] {
  const out: { name: string; label: string }[] = [];
  for (const g of groups) {
    if (g.kind === 'category' || g.kind === 'multi') {
      for (const [i, v] of g.values.entries()) {
        out.push({ name: `${g.name}=${v}`, label: `${g.label} is ${displayValue(g, g.names[i] ?? v)}` });
      }
    } else if (g.kind === 'number') {
      out.push({ name: g.name, label: g.label }, { name: `${g.name}:missing`, label: `${g.label} not set` });
    } else out.push({ name: g.name, label: g.label });
  }
  return out;
}

function displayValue(g: Group, v: string): string {
  if (g.name === 'source') return leadSourceLabels[v as keyof typeof leadSourceLabels] ?? v;
  return v;
}

const plural = (n: number, noun: [string, string]) => `${n} ${n === 1 ? noun[0] : noun[1]}`;
const number = (v: number) =>
  Number.isInteger(v) ? v.toLocaleString('en') : v.toLocaleString('en', { maximumFractionDigits: 2 });

/** A group's value for one lead, in words ("Source is Web form", "No touch for 9 days"). */
export function describeGroup(g: Group, r: Raw): string {
  switch (g.kind) {
    case 'category':
    case 'multi': {
      const vs = asList(fieldRead(g, r)).map((v) => {
        const i = g.values.indexOf(key(v));
        return displayValue(g, i >= 0 ? (g.names[i] ?? String(v)) : String(v).trim());
      });
      if (vs.length === 0) return `${g.label} not set`;
      return g.kind === 'multi' ? `${g.label} includes ${vs.join(', ')}` : `${g.label} is ${vs[0]}`;
    }
    case 'number': {
      const v = fieldRead(g, r);
      return typeof v === 'number' ? `${g.label} is ${number(v)}` : `${g.label} not set`;
    }
    case 'flag':
      if (g.field === 'partnerId') return present(fieldRead(g, r)) ? 'Came through a partner' : 'No partner';
      return `${g.label}: ${fieldRead(g, r) === true ? 'yes' : 'no'}`;
    case 'count': {
      const n = r.counts[g.signal] ?? 0;
      return n === 0 ? `No ${g.noun[1]}` : plural(n, g.noun);
    }
    case 'age': {
      const d = Math.floor(r.ageDays);
      return d === 0 ? 'New today' : `Lead is ${plural(d, ['day', 'days'])} old`;
    }
    case 'touch': {
      const d = Math.floor(r.touchDays);
      return d === 0 ? 'Touched today' : `No touch for ${plural(d, ['day', 'days'])}`;
    }
  }
}
