import { AppError, type FieldError } from '../../http/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import {
  accessFieldOf,
  type CustomFieldDef,
  customAccess,
  type FieldAccess,
  type LeadFieldDef,
  leadFields,
  leadSources,
} from '../leads/index.ts';

import type { Mapping } from './imports.schemas.ts';
import { multiColumnFields, squash } from './imports.suggest.ts';
import type { DateOrder } from './imports.values.ts';

/** One column feeding one field. */
export interface Feed {
  index: number;
  header: string;
  target: string;
}

/** A mapping checked against the file's headers and the company, ready to read rows with. */
export interface CompiledMapping {
  feeds: Feed[];
  constants: Record<string, string>;
  stageValues: Map<string, string>;
  sourceValues: Map<string, string>;
  ownerValues: Map<string, string>;
  dateOrder: DateOrder;
  /** Whether the mapping names owners (then the rules only route rows whose owner cell is blank). */
  setsOwners: boolean;
  /** The header feeding each field, for naming the column in a row's errors. */
  columnOf: Map<string, string>;
  /** A row with a bad value: refused (reject_row, the default) or imported without it (skip_value). */
  badValues: 'reject_row' | 'skip_value';
}

export interface MappingContext {
  access: FieldAccess;
  canAssign: boolean;
  customDefs: CustomFieldDef[];
  stages: { key: string; name: string }[];
  dateOrder: DateOrder;
}

/** The catalog's import targets (a target is the field's key unless its `import` names another). */
const targets = new Map<string, LeadFieldDef>(
  leadFields.flatMap((f): [string, LeadFieldDef][] => (f.import ? [[f.import.target ?? f.key, f]] : [])),
);
const targetOf = new Map<string, string>([...targets].map(([target, f]) => [f.key, target]));

/** The lead field an import target feeds (owner -> ownerId, email -> emails, closedAt -> stageChangedAt). */
export function catalogTarget(target: string): LeadFieldDef | undefined {
  return targets.get(target);
}

/** The import target feeding a lead field (the inverse of catalogTarget; a field that is no target is itself). */
export function targetOfField(field: string): string {
  return targetOf.get(field) ?? field;
}

/** Case-insensitive lookups of a value map, exact spelling first. */
function valueMap(entries: Record<string, string> | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const [raw, value] of Object.entries(entries ?? {})) {
    map.set(raw, value);
    if (!map.has(raw.trim().toLowerCase())) map.set(raw.trim().toLowerCase(), value);
  }
  return map;
}

/**
 * Checks a mapping against the file and the caller: columns the file has, fields that exist, one column per
 * single-valued field, stage keys that exist, and fields the caller's role may write (403 naming them).
 */
export function compileMapping(
  mapping: Mapping,
  headers: string[],
  ctx: MappingContext,
  base = 'mapping',
): CompiledMapping {
  const errors: FieldError[] = [];
  const denied: FieldError[] = [];
  const feeds: Feed[] = [];
  const single = new Map<string, string>();
  const columnOf = new Map<string, string>();

  const checkTarget = (target: string, path: string) => {
    if (target.startsWith('customFields.')) {
      const key = target.slice('customFields.'.length);
      if (!ctx.customDefs.some((d) => d.key === key)) {
        errors.push({ path, message: `${target} is not an active custom field of this company` });
      } else if (customAccess(ctx.access, key) !== 'write') {
        denied.push({ path, message: `your role may not write ${target}` });
      }
      return;
    }
    // Field permissions decide the controlled fields; the name, stage and history are every importer's.
    const def = catalogTarget(target);
    const field = def ? accessFieldOf(def.key) : null;
    if (target === 'owner') {
      if (!ctx.canAssign) denied.push({ path, message: 'your role may not assign leads' });
    } else if (field && ctx.access.fields[field] !== 'write') {
      denied.push({ path, message: `your role may not write ${target}` });
    }
  };

  for (const [header, given] of Object.entries(mapping.columns)) {
    const path = `${base}.columns.${header}`;
    const index = headers.indexOf(header);
    if (index < 0) {
      errors.push({ path, message: 'is not a column of this file' });
      continue;
    }
    for (const target of Array.isArray(given) ? given : [given]) {
      if (target === 'ignore') continue;
      checkTarget(target, path);
      if (!multiColumnFields.has(target) && target !== 'firstName' && target !== 'lastName') {
        const other = single.get(target);
        if (other && other !== header)
          errors.push({ path, message: `${target} is already fed by the column "${other}"` });
        single.set(target, header);
      }
      feeds.push({ index, header, target });
      if (!columnOf.has(target)) columnOf.set(target, header);
    }
  }
  for (const target of Object.keys(mapping.constants ?? {})) {
    if (target === 'ignore' || ['name', 'firstName', 'lastName'].includes(target)) {
      errors.push({ path: `${base}.constants.${target}`, message: 'cannot be a constant' });
    } else checkTarget(target, `${base}.constants.${target}`);
  }
  for (const [raw, key] of Object.entries(mapping.values?.stage ?? {})) {
    if (!ctx.stages.some((s) => s.key === key)) {
      errors.push({ path: `${base}.values.stage.${raw}`, message: `${key} is not a stage of this pipeline` });
    }
  }
  feeds.sort((a, b) => a.index - b.index);

  if (denied.length > 0) {
    throw new AppError('field_forbidden', denied.map((e) => `${e.path}: ${e.message}`).join('; '), { errors: denied });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  const dateOrder = mapping.dateFormat && mapping.dateFormat !== 'auto' ? mapping.dateFormat : ctx.dateOrder;
  return {
    feeds,
    constants: mapping.constants ?? {},
    stageValues: valueMap(mapping.values?.stage),
    sourceValues: valueMap(mapping.values?.source),
    ownerValues: valueMap(mapping.values?.owner),
    dateOrder,
    setsOwners: feeds.some((f) => f.target === 'owner') || mapping.constants?.owner !== undefined,
    columnOf,
    badValues: mapping.badValues ?? 'reject_row',
  };
}

/** A value map's answer for a cell: exact spelling, then ignoring case and spaces around. */
export function lookup(map: Map<string, string>, raw: string): string | undefined {
  return map.get(raw) ?? map.get(raw.trim().toLowerCase());
}

/** A stage key for a status cell: the value map, else a stage named or keyed like it. */
export function stageOf(
  raw: string,
  compiled: CompiledMapping,
  stages: { key: string; name: string }[],
): string | null {
  const mapped = lookup(compiled.stageValues, raw);
  if (mapped) return mapped;
  const s = squash(raw);
  return stages.find((st) => squash(st.key) === s || squash(st.name) === s)?.key ?? null;
}

/** A lead source for a source cell: the value map, else a source spelled like it. */
export function sourceOf(raw: string, compiled: CompiledMapping): string | null {
  const mapped = lookup(compiled.sourceValues, raw);
  if (mapped) return mapped;
  const s = squash(raw);
  return leadSources.find((source) => squash(source) === s) ?? null;
}

export interface UserRef {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

/** A user for an owner cell: the value map, an id, an email or a full name (active users only). */
export function ownerOf(raw: string, compiled: CompiledMapping, users: UserRef[]): string | null {
  const mapped = lookup(compiled.ownerValues, raw);
  if (mapped) return mapped;
  const text = raw.trim();
  if (isUuid(text)) return text.toLowerCase();
  const lower = text.toLowerCase();
  const found =
    users.find((u) => u.active && u.email.toLowerCase() === lower) ??
    users.find((u) => u.active && u.name.trim().toLowerCase() === lower);
  return found?.id ?? null;
}
