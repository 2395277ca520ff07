import type { FastifySchemaValidationError } from 'fastify';
import type { Tx } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import { checkHistory, type LeadHistory } from '../leads/commands.ts';
import { CreateLeadBody, type CustomFieldDef, type InputContext, type LeadColumns, toColumns } from '../leads/index.ts';

import {
  type CompiledMapping,
  catalogTarget,
  ownerOf,
  sourceOf,
  stageOf,
  targetOfField,
  type UserRef,
} from './imports.mapping.ts';
import { parseBoolean, parseDate, parseDateTime, parseNumber, splitList } from './imports.values.ts';

/** Why a row cannot be imported as it is: the lead field, the column it came from, and what is wrong. */
export interface RowError {
  field: string;
  column: string | null;
  message: string;
}

export interface Stage {
  key: string;
  name: string;
  kind: string;
  required_fields: string[];
}

/** What reading rows needs, loaded once per chunk (or once per dry run). */
export interface RowEnv {
  compiled: CompiledMapping;
  input: InputContext;
  stages: Stage[];
  users: UserRef[];
  decimal: '.' | ',';
  /** The company's time zone: a date or time without an offset is on its clock. */
  timeZone: string;
  /** A historical date after this is refused. */
  now: Date;
}

/** A row read and checked: its lead columns and explicit owner when it passed, else its errors. */
export interface PreparedRow {
  index: number;
  row: number;
  errors: RowError[];
  columns?: LeadColumns & { name: string; source: string; stage: string };
  /** The owner the mapping names for this row; undefined when it names none (rules or the importer decide). */
  ownerId?: string;
  /** The bad values left out of it (badValues: skip_value); its columns hold none of them. */
  dropped?: DroppedValue[];
  /** When it was created and reached its stage, when the file says (checked). */
  history?: LeadHistory;
}

type LeadInput = Record<string, unknown> & { customFields?: Record<string, unknown> };

const textFields = ['companyName', 'campaign', 'product', 'city', 'state', 'country', 'territory', 'lostReason'];

/** Turns one row's cells into a lead body in API terms, collecting every problem instead of stopping at the first. */
export function readRow(cells: string[], env: RowEnv): { lead: LeadInput; owner?: string; errors: RowError[] } {
  const { compiled } = env;
  const errors: RowError[] = [];
  const lead: LeadInput = {};
  const names: Record<'firstName' | 'name' | 'lastName', string[]> = { firstName: [], name: [], lastName: [] };
  const notes: { header: string; text: string }[] = [];
  let owner: string | undefined;
  /** Fields read only on rows whose stage is of some kinds (a close date on a Won or Lost row). */
  const onlyIn = new Map<string, readonly string[]>();
  const fail = (field: string, column: string | null, message: string) => errors.push({ field, column, message });

  const take = (target: string, raw: string, column: string | null) => {
    const text = raw.trim();
    if (!text) return;
    if (target === 'name' || target === 'firstName' || target === 'lastName') names[target].push(text);
    else if (target === 'email') lead.emails = [...((lead.emails as string[]) ?? []), ...splitList(text, /[\s,;]+/)];
    else if (target === 'phone') lead.phones = [...((lead.phones as string[]) ?? []), ...splitList(text, /[,;/|]/)];
    else if (target === 'tags') lead.tags = [...((lead.tags as string[]) ?? []), ...splitList(text)];
    else if (target === 'notes') notes.push({ header: column ?? 'notes', text });
    else if (textFields.includes(target)) lead[target] = text;
    else if (target === 'source') {
      const source = sourceOf(text, compiled);
      if (source) lead.source = source;
      else fail('source', column, `"${text}" is not a lead source: map it in values.source`);
    } else if (target === 'stage') {
      const stage = stageOf(text, compiled, env.stages);
      if (stage) lead.stage = stage;
      else fail('stage', column, `"${text}" is not a stage: map it in values.stage`);
    } else if (target === 'owner') {
      const id = ownerOf(text, compiled, env.users);
      if (id) owner = id;
      else fail('ownerId', column, `no active user is called "${text}": map it in values.owner`);
    } else if (target === 'expectedValue') {
      const value = parseNumber(text, env.decimal);
      if (value === null) fail('expectedValue', column, `"${text}" is not a number`);
      else lead.expectedValue = value;
    } else if (target === 'currency') lead.currency = text.toUpperCase();
    else if (target === 'expectedCloseDate') {
      const value = parseDate(text, compiled.dateOrder);
      if (value === null) fail('expectedCloseDate', column, `"${text}" is not a date (${dateHint(compiled)})`);
      else lead.expectedCloseDate = value;
    } else if (catalogTarget(target)?.type === 'timestamptz') {
      const def = catalogTarget(target) as NonNullable<ReturnType<typeof catalogTarget>>;
      if (def.import?.stageKinds) onlyIn.set(def.key, def.import.stageKinds);
      const value = parseDateTime(text, compiled.dateOrder, env.timeZone);
      if (value === null) fail(def.key, column, `"${text}" is not a date (${dateHint(compiled)}, a time may follow)`);
      else lead[def.key] = value;
    } else if (target.startsWith('customFields.')) {
      const key = target.slice('customFields.'.length);
      const def = env.input.customDefs.find((d) => d.key === key);
      if (!def) return;
      const value = customValue(def, text, env, compiled);
      if (value.error) fail(target, column, value.error);
      else lead.customFields = { ...(lead.customFields ?? {}), [key]: value.value };
    }
  };

  for (const feed of compiled.feeds) take(feed.target, cells[feed.index] ?? '', feed.header);
  for (const [target, value] of Object.entries(compiled.constants)) {
    if (target === 'lostReason') continue;
    const key = target.startsWith('customFields.') ? target.slice('customFields.'.length) : null;
    const has = key
      ? lead.customFields?.[key] !== undefined
      : target === 'owner'
        ? owner !== undefined
        : hasValue(lead, target);
    if (!has) take(target, value, null);
  }
  const name = [...names.firstName, ...names.name, ...names.lastName].join(' ').trim();
  if (name) lead.name = name;
  else fail('name', compiled.columnOf.get('name') ?? compiled.columnOf.get('lastName') ?? null, nameMissing(compiled));
  if (notes.length === 1) lead.notes = notes[0]?.text;
  else if (notes.length > 1) lead.notes = notes.map((n) => `${n.header}: ${n.text}`).join('\n');
  const lostReason = compiled.constants.lostReason;
  const stageKind = env.stages.find((s) => s.key === (lead.stage ?? env.stages[0]?.key))?.kind;
  if (lostReason && lead.lostReason === undefined && stageKind === 'lost') lead.lostReason = lostReason.trim();
  for (const [field, kinds] of onlyIn) {
    if (stageKind && kinds.includes(stageKind)) continue;
    delete lead[field];
    errors.splice(0, errors.length, ...errors.filter((e) => e.field !== field));
  }
  return { lead, ...(owner ? { owner } : {}), errors };
}

function hasValue(lead: LeadInput, target: string): boolean {
  const value = lead[catalogTarget(target)?.key ?? target];
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

function nameMissing(compiled: CompiledMapping): string {
  const named = compiled.feeds.some((f) => ['name', 'firstName', 'lastName'].includes(f.target));
  return named ? 'is blank in this row' : 'is required: no column maps to name (or firstName and lastName)';
}

function dateHint(compiled: CompiledMapping): string {
  return `${{ dmy: 'dd/mm/yyyy', mdy: 'mm/dd/yyyy', ymd: 'yyyy/mm/dd' }[compiled.dateOrder]} or YYYY-MM-DD`;
}

function customValue(
  def: CustomFieldDef,
  text: string,
  env: RowEnv,
  compiled: CompiledMapping,
): { value?: unknown; error?: string } {
  switch (def.type) {
    case 'number': {
      const value = parseNumber(text, env.decimal);
      return value === null ? { error: `"${text}" is not a number` } : { value };
    }
    case 'boolean': {
      const value = parseBoolean(text);
      return value === null ? { error: `"${text}" is not yes or no` } : { value };
    }
    case 'date': {
      const value = parseDate(text, compiled.dateOrder);
      return value === null ? { error: `"${text}" is not a date (${dateHint(compiled)})` } : { value };
    }
    case 'select': {
      const option = def.options.find((o) => o.toLowerCase() === text.toLowerCase());
      return option ? { value: option } : { error: `"${text}" is not one of: ${def.options.join(', ')}` };
    }
    case 'multi_select': {
      const picked = splitList(text).map((v) => def.options.find((o) => o.toLowerCase() === v.toLowerCase()) ?? v);
      const unknown = picked.filter((v) => !def.options.includes(v));
      return unknown.length > 0
        ? { error: `"${unknown.join(', ')}" is not one of: ${def.options.join(', ')}` }
        : { value: picked };
    }
    case 'user': {
      const id = ownerOf(text, { ...compiled, ownerValues: new Map() }, env.users);
      return id ? { value: id } : { error: `no active user is called "${text}"` };
    }
    default:
      return { value: text };
  }
}

const validateLead = validatorCompiler({ schema: CreateLeadBody, httpPart: 'body' });

const fieldOf = (path: string) =>
  path.startsWith('customFields.') ? path.split('.').slice(0, 2).join('.') : (path.split('.')[0] ?? path);
const columnFor = (field: string, compiled: CompiledMapping) => compiled.columnOf.get(targetOfField(field)) ?? null;

/** A value left out of its row (badValues: skip_value): the field, its column, the cell and why. */
export interface DroppedValue extends RowError {
  value: string | null;
}

/** What a mapping does with a row holding a bad value: refuse the row, or import it without that value. */
export type BadValues = 'reject_row' | 'skip_value';

/**
 * Values a row can do without: everything but its name, its stage and owner (they decide where it goes), a
 * value a stage or the company requires, and a row the file could not give.
 */
function droppable(error: RowError): boolean {
  if (['name', 'row', 'stage', 'ownerId'].includes(error.field)) return false;
  return error.message !== 'is required' && !/^is required in the .* stage$/.test(error.message);
}

/**
 * Leaves the bad values out of a lead body: the item of a list (emails.1), else the field. Returns what was
 * dropped, with the cell it came from (as the file writes it, when one column feeds the field).
 */
function dropValues(
  lead: LeadInput,
  errors: { path: string; field: string; message: string }[],
  env: RowEnv,
  cells: string[],
) {
  const dropped: DroppedValue[] = [];
  const items = new Map<string, Set<number>>();
  for (const e of errors) {
    const item = /^(emails|phones|tags)\.(\d+)$/.exec(e.path);
    const column = columnFor(e.field, env.compiled);
    if (item?.[1] && Array.isArray(lead[item[1]])) {
      const list = lead[item[1]] as unknown[];
      const at = Number(item[2]);
      items.set(item[1], (items.get(item[1]) ?? new Set()).add(at));
      dropped.push({ field: e.field, column, message: e.message, value: list[at] == null ? null : String(list[at]) });
    } else if (e.field.startsWith('customFields.')) {
      const key = e.field.slice('customFields.'.length);
      const value = lead.customFields?.[key];
      if (lead.customFields) delete lead.customFields[key];
      dropped.push({ field: e.field, column, message: e.message, value: value == null ? null : String(value) });
    } else {
      const value = cellOf(cells, column, env) || lead[e.field];
      delete lead[e.field];
      dropped.push({ field: e.field, column, message: e.message, value: value == null ? null : String(value) });
    }
  }
  for (const [field, at] of items) {
    const kept = (lead[field] as unknown[]).filter((_, i) => !at.has(i));
    if (kept.length > 0) lead[field] = kept;
    else delete lead[field];
  }
  return dropped;
}

/** A row's dropped values in words, for its outcome's reason and the result file. */
export function droppedText(dropped: DroppedValue[]): string {
  const each = dropped.map((d) => `${d.column ?? d.field}${d.value ? ` "${d.value}"` : ''} (${d.message})`);
  return `Imported without ${each.join('; ')}`;
}

/**
 * Reads and checks one row the way a lead create checks its body: the schema (lengths, counts), then the
 * shared normalisation (emails, phones to E.164 with the company's country, custom fields), then what the
 * target stage requires. Nothing is written. With badValues skip_value, a row whose only problems are values
 * it can do without is read again without them, and says which it dropped.
 */
export async function prepareRow(
  trx: Tx,
  env: RowEnv,
  index: number,
  row: number,
  cells: string[],
  parseError?: string,
): Promise<PreparedRow> {
  if (parseError) return { index, row, errors: [{ field: 'row', column: null, message: `The row ${parseError}` }] };
  const { lead, owner, errors: readErrors } = readRow(cells, env);
  const skip = env.compiled.badValues === 'skip_value';
  const dropped: DroppedValue[] = [];
  // A cell readRow could not read was never set: leaving it out is only saying so.
  if (skip && readErrors.length > 0 && readErrors.every(droppable)) {
    for (const e of readErrors) dropped.push({ ...e, value: cellOf(cells, e.column, env) });
    readErrors.length = 0;
  }
  const prepared = await checkRow(trx, env, { index, row, lead, owner, errors: readErrors });
  if (!skip || prepared.ok || prepared.errors.length === 0 || !prepared.errors.every(droppable)) {
    return withDropped(prepared.result, dropped);
  }
  dropped.push(...dropValues(lead, prepared.raw, env, cells));
  const again = await checkRow(trx, env, { index, row, lead, owner, errors: [] });
  return withDropped(again.result, again.ok ? dropped : []);
}

function withDropped(row: PreparedRow, dropped: DroppedValue[]): PreparedRow {
  return dropped.length > 0 && row.errors.length === 0 ? { ...row, dropped } : row;
}

function cellOf(cells: string[], column: string | null, env: RowEnv): string | null {
  if (column === null) return null;
  const feed = env.compiled.feeds.find((f) => f.header === column);
  return feed ? (cells[feed.index]?.trim() ?? null) : null;
}

interface Checked {
  ok: boolean;
  result: PreparedRow;
  /** The errors with their full paths (emails.1), for leaving the bad items out. */
  raw: { path: string; field: string; message: string }[];
  errors: RowError[];
}

async function checkRow(
  trx: Tx,
  env: RowEnv,
  input: { index: number; row: number; lead: LeadInput; owner: string | undefined; errors: RowError[] },
): Promise<Checked> {
  const { index, row, lead, owner } = input;
  const errors = [...input.errors];
  const raw: Checked['raw'] = errors.map((e) => ({ path: e.field, field: e.field, message: e.message }));
  const failed = (list: RowError[]): Checked => ({
    ok: false,
    result: { index, row, errors: list },
    raw,
    errors: list,
  });
  const known = new Set(errors.map((e) => e.field));
  if (!validateLead(lead)) {
    const found = fieldErrors((validateLead.errors ?? []) as unknown as FastifySchemaValidationError[]);
    for (const e of found) {
      const field = fieldOf(e.path);
      if (known.has(field)) continue;
      errors.push({ field, column: columnFor(field, env.compiled), message: e.message });
      raw.push({ path: e.path, field, message: e.message });
    }
  }
  if (errors.length > 0) return failed(errors);
  const { source, stage, createdAt, stageChangedAt, ...fields } = lead as {
    source?: string;
    stage?: string;
    name: string;
    createdAt?: string;
    stageChangedAt?: string;
  };
  let columns: LeadColumns;
  try {
    columns = await toColumns(trx, fields, env.input, { mode: 'create' });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const found = error.errors ?? [{ path: 'row', message: error.detail ?? error.message }];
    for (const e of found) raw.push({ path: e.path, field: fieldOf(e.path), message: e.message });
    return failed(
      found.map((e) => ({
        field: fieldOf(e.path),
        column: columnFor(fieldOf(e.path), env.compiled),
        message: e.message,
      })),
    );
  }
  const firstStage = env.stages.find((st) => st.kind === 'open');
  const target = env.stages.find((s) => s.key === (stage ?? firstStage?.key));
  if (!target) return failed([{ field: 'stage', column: null, message: 'the pipeline has no open stage' }]);
  const history = { ...(createdAt ? { createdAt } : {}), ...(stageChangedAt ? { stageChangedAt } : {}) };
  const later: RowError[] = [];
  try {
    checkHistory(history, target, firstStage, env.now);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    for (const e of error.errors ?? []) {
      later.push({ field: e.path, column: columnFor(e.path, env.compiled), message: e.message });
      raw.push({ path: e.path, field: e.path, message: e.message });
    }
  }
  const missing = target.required_fields.filter((field) => {
    const value = field.startsWith('customFields.')
      ? columns.custom_fields?.[field.slice('customFields.'.length)]
      : lead[field];
    return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  });
  for (const field of missing) {
    later.push({ field, column: columnFor(field, env.compiled), message: `is required in the ${target.name} stage` });
  }
  if (later.length > 0) return failed(later);
  const result: PreparedRow = {
    index,
    row,
    errors: [],
    columns: { ...columns, name: columns.name ?? fields.name, source: source ?? 'import', stage: target.key },
    ...(owner ? { ownerId: owner } : {}),
    ...(createdAt || stageChangedAt ? { history } : {}),
  };
  return { ok: true, result, raw, errors: [] };
}
