import { fieldOfColumn, same } from './merge-fields.ts';

/** A lead row as `to_jsonb(leads)`: column -> value. */
export type Image = Record<string, unknown>;

/**
 * Columns undo never writes from an image: the key, and what every write sets anew (the version goes up so an
 * editor holding the merged version gets a conflict; updated_at is the time of the undo; the search text is
 * derived by a trigger).
 */
const NOT_RESTORED = new Set(['company_id', 'id', 'version', 'updated_at', 'search_text']);

export interface Rebased {
  /** The columns to write. */
  restored: Image;
  /** API fields that kept (all or part of) a value set after the merge. */
  keptLaterEdits: string[];
}

/**
 * The row undo writes, from the row before the merge, right after it and now. A column nobody changed since the
 * merge goes back to its value before it, so an undo straight after a merge restores the row exactly. A column
 * changed later, that the merge had not changed, keeps the later value; one changed by both keeps the later
 * value too, and is reported: lists (emails, phones, tags, people) replay the later additions and removals on the
 * old list, custom fields are decided key by key.
 */
export function rebase(before: Image, after: Image, current: Image): Rebased {
  const restored: Image = {};
  const kept: string[] = [];
  for (const column of Object.keys(before)) {
    if (NOT_RESTORED.has(column) || !(column in current)) continue;
    const [b, a, c] = [before[column], after[column] ?? null, current[column]];
    if (same(c, a)) restored[column] = b;
    else if (same(b, a)) restored[column] = c;
    else if (column === 'custom_fields') {
      const result = rebaseObject(asObject(b), asObject(a), asObject(c));
      restored[column] = result.value;
      kept.push(...result.keys.map((k) => `customFields.${k}`));
    } else {
      restored[column] = Array.isArray(b) && Array.isArray(a) && Array.isArray(c) ? replay(b, a, c) : c;
      if (fieldOfColumn[column]) kept.push(fieldOfColumn[column]);
    }
  }
  return { restored, keptLaterEdits: kept };
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The old list with the later additions and removals applied again. */
function replay(before: unknown[], after: unknown[], current: unknown[]): unknown[] {
  const has = (list: unknown[], x: unknown) => list.some((y) => same(x, y));
  const added = current.filter((x) => !has(after, x));
  const removed = after.filter((x) => !has(current, x));
  const result = before.filter((x) => !has(removed, x));
  for (const x of added) if (!has(result, x)) result.push(x);
  return result;
}

function rebaseObject(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  current: Record<string, unknown>,
) {
  const value: Record<string, unknown> = {};
  const keys: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(current)])) {
    const [b, a, c] = [before[key] ?? null, after[key] ?? null, current[key] ?? null];
    let v: unknown;
    if (same(c, a)) v = b;
    else {
      v = c;
      if (!same(b, a)) keys.push(key);
    }
    if (v !== null) value[key] = v;
  }
  return { value, keys };
}
