import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import {
  type DuplicateMatch,
  type DuplicateSettings,
  emailKey,
  findDuplicatesMany,
  type MatchKey,
} from '../duplicates/index.ts';
import { checkAssignment } from '../leads/commands.ts';
import { leadVisibleTo } from '../leads/index.ts';

import {
  type DroppedValue,
  droppedText,
  type PreparedRow,
  prepareRow,
  type RowEnv,
  type RowError,
} from './imports.rows.ts';

/** What a duplicate does in this import: the company's import policy, or the run's onDuplicate. */
export type DuplicatePolicy = 'block' | 'warn' | 'allow' | 'create' | 'skip' | 'merge';

/** A row as the parser gave it. */
export interface SourceRow {
  row: number;
  cells: string[];
  error?: string;
}

export interface Duplicate {
  leadId: string | null;
  name: string | null;
  row: number | null;
  matchedOn: MatchKey[];
}

/** What happens to one row, and why. */
export interface RowDecision {
  prepared: PreparedRow;
  action: 'create' | 'merge' | 'skip' | 'fail';
  errors: RowError[];
  duplicates: Duplicate[];
  reason: string | null;
  mergeInto?: string;
  /** Every existing lead it matches, seen or not (the review queue gets them all). */
  matches: DuplicateMatch[];
  /** The earlier row of this batch it repeats, if any. */
  inFileRow: number | null;
  /** The bad values it is written without (badValues skip_value); also said in `reason`. */
  dropped: DroppedValue[];
}

export interface EvaluateEnv extends RowEnv {
  ctx: RequestContext;
  settings: DuplicateSettings;
  policy: DuplicatePolicy;
  /** Owner ids already checked for this importer: null when fine, else why not. */
  owners: Map<string, string | null>;
}

/**
 * Emails, phones and names of the rows to be created so far, for duplicates inside the file. A run keeps it for
 * one chunk (earlier chunks are leads by then, found in the database); a dry run for the whole file.
 */
export class FileIndex {
  private readonly keys = new Map<string, number>();

  find(keys: string[]): { row: number; on: MatchKey } | null {
    for (const key of keys) {
      const row = this.keys.get(key);
      if (row !== undefined)
        return { row, on: key.startsWith('e:') ? 'email' : key.startsWith('p:') ? 'phone' : 'name' };
    }
    return null;
  }

  add(keys: string[], row: number): void {
    for (const key of keys) if (!this.keys.has(key)) this.keys.set(key, row);
  }
}

const legalForms =
  /(^| )(private|pvt|limited|ltd|llp|llc|inc|incorporated|corp|corporation|co|company|plc|gmbh|the|and)(?= |$)/g;
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

function fileKeys(row: PreparedRow, settings: DuplicateSettings): string[] {
  const c = row.columns;
  if (!c) return [];
  const keys = [
    ...(c.emails ?? []).map((e) => `e:${emailKey(e, settings.plusAddressing)}`),
    ...(c.phones ?? []).map((p) => `p:${p}`),
  ];
  const name = words(c.name).split(' ').filter(Boolean).sort().join(' ');
  const company = words(c.company_name ?? '')
    .replace(legalForms, ' ')
    .replace(/ +/g, ' ')
    .trim();
  if (name) keys.push(`n:${name}|${company}`);
  return keys;
}

function describe(duplicates: Duplicate[]): string {
  return duplicates
    .slice(0, 3)
    .map((d) => {
      const on = d.matchedOn.join(', ');
      if (d.row !== null) return `row ${d.row} of this file (${on})`;
      return d.name === null ? `a lead you cannot see (${on})` : `lead "${d.name}" (${on})`;
    })
    .join('; ');
}

/** Whether each owner the mapping names may own leads of this importer (checked once per owner). */
async function checkOwners(trx: Tx, env: EvaluateEnv, rows: PreparedRow[]): Promise<void> {
  for (const id of new Set(rows.map((r) => r.ownerId).filter((id): id is string => id !== undefined))) {
    if (env.owners.has(id)) continue;
    try {
      await checkAssignment(trx, env.ctx, { ownerId: id });
      env.owners.set(id, null);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      env.owners.set(id, error.errors?.[0]?.message ?? error.detail ?? error.message);
    }
  }
  for (const row of rows) {
    const problem = row.ownerId ? env.owners.get(row.ownerId) : null;
    if (problem)
      row.errors.push({ field: 'ownerId', column: env.compiled.columnOf.get('owner') ?? null, message: problem });
  }
}

/**
 * Reads and checks a batch of rows, then finds their duplicates (in the file and among live leads, in one
 * query) and decides each row by the policy. Writes nothing.
 */
export async function evaluateRows(
  trx: Tx,
  env: EvaluateEnv,
  rows: SourceRow[],
  index: FileIndex,
): Promise<RowDecision[]> {
  const prepared: PreparedRow[] = [];
  for (const [i, source] of rows.entries())
    prepared.push(await prepareRow(trx, env, i, source.row, source.cells, source.error));
  await checkOwners(trx, env, prepared);
  const ok = prepared.filter((p) => p.errors.length === 0 && p.columns);
  const found = await findDuplicatesMany(
    trx,
    env.settings,
    ok.map((p) => ({
      emails: p.columns?.emails ?? [],
      phones: p.columns?.phones ?? [],
      name: p.columns?.name,
      companyName: p.columns?.company_name ?? null,
    })),
  );
  const matchesOf = new Map<number, DuplicateMatch[]>(ok.map((p, i) => [p.index, found[i] ?? []]));
  const ids = [...new Set(found.flat().map((m) => m.id))];
  const visible = new Set<string>();
  if (ids.length > 0) {
    const seen = await trx
      .selectFrom('leads as l')
      .select('l.id')
      .where('l.id', 'in', ids)
      .where(leadVisibleTo(env.ctx.actor))
      .execute();
    for (const r of seen) visible.add(r.id);
  }

  return prepared.map((row) => {
    if (row.errors.length > 0 || !row.columns) {
      return {
        prepared: row,
        action: 'fail',
        errors: row.errors,
        duplicates: [],
        reason: null,
        matches: [],
        inFileRow: null,
        dropped: [],
      };
    }
    const keys = fileKeys(row, env.settings);
    const inFile = index.find(keys);
    const existing = matchesOf.get(row.index) ?? [];
    const duplicates: Duplicate[] = [
      ...(inFile ? [{ leadId: null, name: null, row: inFile.row, matchedOn: [inFile.on] }] : []),
      ...existing.map((m) => ({
        leadId: visible.has(m.id) ? m.id : null,
        name: visible.has(m.id) ? m.name : null,
        row: null,
        matchedOn: m.matchedOn,
      })),
    ];
    const decision = decide(env.policy, duplicates, existing, visible);
    if (decision.action === 'create') index.add(keys, row.row);
    // The writer gets the row without its bad values; what it left out travels in the reason, to the outcome.
    const dropped = decision.action === 'create' || decision.action === 'merge' ? (row.dropped ?? []) : [];
    if (dropped.length > 0) {
      decision.reason = [droppedText(dropped), decision.reason].filter(Boolean).join('. ');
    }
    return {
      prepared: row,
      errors: [],
      duplicates,
      matches: existing,
      inFileRow: inFile?.row ?? null,
      dropped,
      ...decision,
    };
  });
}

function decide(
  policy: DuplicatePolicy,
  duplicates: Duplicate[],
  existing: DuplicateMatch[],
  visible: Set<string>,
): Pick<RowDecision, 'action' | 'reason' | 'mergeInto'> {
  if (duplicates.length === 0) return { action: 'create', reason: null };
  const what = describe(duplicates);
  switch (policy) {
    case 'allow':
    case 'create':
      return { action: 'create', reason: `Created although it matches ${what}` };
    case 'warn':
      return { action: 'create', reason: `Possible duplicate of ${what}` };
    case 'skip':
      return { action: 'skip', reason: `Duplicate of ${what}` };
    case 'merge': {
      const target = existing.find((m) => visible.has(m.id));
      if (target) return { action: 'merge', reason: `Merged into lead "${target.name}"`, mergeInto: target.id };
      if (existing.length === 0) return { action: 'skip', reason: `Duplicate of ${what}` };
      return { action: 'fail', reason: `Duplicate of ${what}: it cannot be merged into a lead you cannot see` };
    }
    default:
      return {
        action: 'fail',
        reason: `Duplicate of ${what}: the company's import policy blocks duplicates (choose onDuplicate to create, skip or merge)`,
      };
  }
}
