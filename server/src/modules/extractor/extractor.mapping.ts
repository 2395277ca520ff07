import jsonata from 'jsonata';
import type { FieldError } from '../../http/errors.ts';
import { leadField } from '../leads/index.ts';
import type { Row } from './extractor.connect.ts';

export const transforms = ['trim', 'lower', 'upper', 'splitFirst', 'splitLast', 'phone', 'date'] as const;

/** One mapped field: where it goes, which column it reads, and what is done to the value first. */
export interface MappingEntry {
  target: string;
  from?: string;
  transform?: (typeof transforms)[number];
  valueMap?: Record<string, string>;
  constant?: string;
  expression?: string;
}

/** Fields a source may not fill beyond the catalog's own rule (below): the custom fields go one by one. */
const NOT_TARGETS = new Set(['customFields']);

/** A built-in field a source may fill: any but those the server keeps (system fields no import may bring). */
function isTarget(key: string): boolean {
  const field = leadField(key);
  return field !== undefined && !NOT_TARGETS.has(key) && !(field.access === 'system' && !field.import);
}

/** The mapping's problems, each naming `mapping.N.<part>`: unknown targets, custom fields, bad expressions. */
export function checkMapping(mapping: MappingEntry[], customKeys: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const [i, entry] of mapping.entries()) {
    const target = entry.target;
    if (target.startsWith('customFields.')) {
      const key = target.slice('customFields.'.length);
      if (!customKeys.includes(key)) errors.push({ path: `mapping.${i}.target`, message: `no custom field ${key}` });
    } else if (!isTarget(target)) {
      errors.push({ path: `mapping.${i}.target`, message: `${target} is not a lead field a source may fill` });
    }
    const sources = [entry.from, entry.constant, entry.expression].filter((v) => v !== undefined).length;
    if (sources === 0) {
      errors.push({ path: `mapping.${i}.from`, message: 'is required (or a constant or an expression)' });
    }
    if (entry.expression !== undefined) {
      try {
        jsonata(entry.expression);
      } catch (error) {
        errors.push({ path: `mapping.${i}.expression`, message: (error as Error).message });
      }
    }
  }
  return errors;
}

function transform(value: unknown, entry: MappingEntry): unknown {
  if (value === null || value === undefined) return value;
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (entry.valueMap) text = entry.valueMap[text] ?? text;
  switch (entry.transform) {
    case 'trim':
      return text.trim();
    case 'lower':
      return text.trim().toLowerCase();
    case 'upper':
      return text.trim().toUpperCase();
    case 'splitFirst':
      return text.trim().split(/\s+/)[0] ?? '';
    case 'splitLast': {
      const parts = text.trim().split(/\s+/);
      return parts.length > 1 ? parts.slice(1).join(' ') : '';
    }
    case 'phone':
      return text.replace(/[^\d+]/g, '');
    case 'date': {
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) throw new Error(`${entry.from ?? entry.target}: "${text}" is not a date`);
      return date.toISOString();
    }
    default:
      return text;
  }
}

/** Plain JSON of a row (dates as ISO strings, bigints as digits), as expressions and the error table see it. */
export function plainRow(row: Row): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? null : v,
    ]),
  );
}

/** One row as a lead body (`customFields` gathered), by the mapping; a failing transform throws its reason. */
export async function mapRow(row: Row, mapping: MappingEntry[]): Promise<Record<string, unknown>> {
  const plain = plainRow(row);
  const body: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const entry of mapping) {
    let value: unknown;
    if (entry.expression !== undefined) value = await jsonata(entry.expression).evaluate(plain);
    else if (entry.constant !== undefined) value = entry.constant;
    else value = plain[entry.from ?? ''];
    value = transform(value, entry);
    if (value === undefined || value === null || value === '') continue;
    if (entry.target.startsWith('customFields.')) custom[entry.target.slice('customFields.'.length)] = value;
    else if (leadField(entry.target)?.type.endsWith('[]')) {
      const list = (body[entry.target] as unknown[] | undefined) ?? [];
      body[entry.target] = [...list, ...(Array.isArray(value) ? value : [value])];
    } else body[entry.target] = value;
  }
  if (Object.keys(custom).length > 0) body.customFields = custom;
  return body;
}
