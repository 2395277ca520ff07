import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Channel, notifyNewOwners, type RoutingDecision, routeMany } from '../assignment/index.ts';

import {
  type DuplicateDecision,
  type DuplicateMatch,
  decideOnCreateMany,
  emailKey,
  flagPayloadOf,
  type OnDuplicate,
  settleWithoutCreating,
} from '../duplicates/index.ts';
import { can } from '../users/index.ts';

import { checkAssignment, type ExplicitAssignment, hasExplicitAssignment } from './lead-assign.check.ts';
import { toColumns } from './lead-input.ts';
import { checkHistory, type HistoryDates, type LeadHistory } from './leads.create.history.ts';
import { type NewLead, writeNewLeads } from './leads.create.write.ts';
import * as repo from './leads.repository.ts';
import type { CreateLeadInput } from './leads.schemas.ts';
import {
  apiValues,
  checkStageRequirements,
  loadWriteContext,
  manualDecision,
  type WriteContext,
} from './leads.write-context.ts';

/** A new lead's columns once normalised: its name, source and stage decided. */
export type NewLeadColumns = repo.LeadColumns & { name: string; source: string; stage: string };

/**
 * One lead to create: a body as the API takes it (normalised and checked here; errors name `basePath.field`), or
 * columns a channel already normalised and checked with the same rules (an import's row, read through its
 * mapping), with the owner it names, already checked for the actor, and the history it brings.
 */
export type CreateItem =
  | { body: CreateLeadInput; basePath?: string }
  | { columns: NewLeadColumns; ownerId?: string; history?: LeadHistory };

/** What became of one item, in the items' order. */
export type CreateResult =
  | {
      status: 'created';
      id: string;
      name: string;
      ownerId: string | null;
      /** Who owns it and why, as its assignment records it. */
      decision: RoutingDecision;
      /** The matches the caller is told about (the policy warns, or the caller created past them). */
      duplicates: DuplicateMatch[];
      /** The lead as stored, when the caller asked for rows. */
      row?: repo.LeadRow;
    }
  /** No new lead: skipped for, or merged into, an existing one (its row when the caller may see it). */
  | { status: 'skipped' | 'merged'; row: repo.LeadRow | null; duplicates: DuplicateMatch[] }
  /** Refused by the duplicate policy: the 409 `duplicate_lead`, naming the matches the caller may see. */
  | { status: 'duplicate'; error: AppError }
  /** Refused (bad fields, stage, assignment, permission: an AppError) or refused by the database (an Error). */
  | { status: 'failed'; error: unknown };

export interface CreateOptions {
  channel: Channel;
  /**
   * The caller's answer to a duplicate, over the company's policy for the channel. `decided`: the caller matched
   * the items and applied its own policy already (an import's rows, by the import's policy), so each is created.
   */
  onDuplicate?: OnDuplicate | 'decided' | undefined;
  /** The source of a body that names none (a form's, `whatsapp`); else `partner`, `api` or `manual`. */
  defaultSource?: string | undefined;
  /** False: a lead nobody assigned stays unassigned instead of going through the assignment rules. */
  useRules?: boolean;
  /**
   * True (the default): each owner the rules gave new leads is told once for the batch. False: the caller tells
   * them (an import, once for the whole file, from `given`).
   */
  notifyOwners?: boolean;
  /** The why recorded for an owner named by the caller, implied by the actor's role, or left out by `useRules`. */
  why?: { explicit?: string; implied?: string; unrouted?: string };
  /** Read each created lead back (a caller that answers with it). */
  returnRows?: boolean;
  /** The write context when the caller loaded it already (`POST /leads`, for its answer). */
  wctx?: WriteContext;
}

export interface CreateBatchResult {
  results: CreateResult[];
  /** New leads per owner the rules chose, for a caller that notifies them itself. */
  given: Map<string, number>;
}

const defaultWhy = {
  explicit: 'Assigned by the creator',
  implied: 'Owned by the person who entered it',
  unrouted: 'Created without an owner: the assignment rules were not applied',
};

/** An item that passed its checks, on its way to its duplicate decision and its insert. */
interface Pending {
  index: number;
  /** The lead's columns: fields, assignment, name, source, stage. */
  values: NewLeadColumns;
  /** Its own fields only (no assignment, source or stage): what a merge fills an existing lead with. */
  incoming: repo.LeadColumns;
  /** Whether the caller named the assignment (else the actor's role implied it, or the rules decide). */
  explicit: boolean;
  /** When it was created and reached its stage, when it brings history; null: now. */
  history: HistoryDates | null;
  created?: Extract<DuplicateDecision, { action: 'create' }>;
}

/**
 * Creates leads from any channel, as a batch: every item is normalised and checked (fields and their
 * permissions, stage and what it requires, an explicit assignment), the duplicate policy decides each against
 * existing leads and earlier items of the batch, the assignment rules route the batch (rotation and caps moving
 * lead by lead), then the leads, their stage history, their assignments with the why, their audit rows and
 * their SLA and review jobs are written set-based, and each owner the rules chose hears once. A failing item
 * changes nothing of its own and stops no other; nothing is written for it, and a database refusal rolls back
 * only that item (the batch is written again one item at a time). Every channel creates leads through this.
 */
export async function createLeads(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  items: CreateItem[],
  options: CreateOptions,
): Promise<CreateBatchResult> {
  const wctx = options.wctx ?? (await loadWriteContext(trx, ctx));
  const results: CreateResult[] = [];
  const pending: Pending[] = [];
  const implied = lazy(() => impliedAssignment(trx, ctx));
  const now = deps.clock.now();
  for (const [index, item] of items.entries()) {
    try {
      pending.push({ index, ...(await prepare(trx, ctx, wctx, item, implied, options, now)) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results[index] = { status: 'failed', error };
    }
  }
  const created: Extract<CreateResult, { status: 'created' }>[] = [];
  for (const wave of waves(pending, wctx, options)) {
    const toCreate = await settleDuplicates(trx, deps, ctx, wctx, wave, options, results);
    const decisions = await decideOwners(trx, deps, ctx, wctx, toCreate, options);
    const leads: NewLead[] = toCreate.map((p, i) => {
      const { id, decision, byUserId } = decisions[i] as Decided;
      const flag = p.created ? flagPayloadOf(p.created, id) : null;
      return { index: p.index, id, values: p.values, decision, byUserId, flag, history: p.history };
    });
    const failures = await writeNewLeads(trx, ctx, options.channel, leads, deps.clock.now());
    for (const [i, p] of toCreate.entries()) {
      const failure = failures.get(p.index);
      const { id, decision } = decisions[i] as Decided;
      if (failures.has(p.index)) {
        results[p.index] = { status: 'failed', error: failure };
        continue;
      }
      const result: Extract<CreateResult, { status: 'created' }> = {
        status: 'created',
        id,
        name: p.values.name,
        ownerId: decision.ownerId,
        decision,
        duplicates: p.created?.shown ?? [],
      };
      results[p.index] = result;
      created.push(result);
    }
  }
  const ruled = created.filter((c) => c.decision.reason === 'rule' && c.ownerId);
  if (options.notifyOwners !== false) {
    const leads = ruled.map((c) => ({ leadId: c.id, name: c.name, decision: c.decision }));
    await notifyNewOwners(trx, ctx.actor.companyId, leads, deps.clock.now());
  }
  if (options.returnRows) {
    for (const c of created) {
      const row = await repo.findLead(trx, c.id);
      if (row) c.row = row;
    }
  }
  const given = new Map<string, number>();
  for (const c of ruled) given.set(c.ownerId as string, (given.get(c.ownerId as string) ?? 0) + 1);
  return { results, given };
}

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load();
    return value;
  };
}

/** One item's columns and assignment, checked in the order a single create always checked them. */
async function prepare(
  trx: Tx,
  ctx: RequestContext,
  wctx: WriteContext,
  item: CreateItem,
  implied: () => Promise<repo.LeadColumns>,
  options: CreateOptions,
  now: Date,
): Promise<Omit<Pending, 'index'>> {
  const firstStage = wctx.stages.find((s) => s.kind === 'open');
  if ('columns' in item) {
    const { columns, ownerId } = item;
    const target = wctx.stages.find((s) => s.key === columns.stage);
    if (!target) throw noStage(columns.stage, '');
    const history = checkHistory(item.history ?? {}, target, firstStage, now);
    const assignment = ownerId ? { owner_id: ownerId } : await implied();
    const values = { ...columns, ...assignment };
    if (target.kind !== 'open') checkStageRequirements(target, apiValues(values), '');
    return { values, incoming: columns, explicit: ownerId !== undefined, history };
  }
  const { body, basePath } = item;
  const { name, source, stage, ownerId, warriorIds, coSalesIds, partnerId, createdAt, stageChangedAt, ...fields } =
    body;
  const base = basePath ? `${basePath}.` : '';
  // A channel that builds bodies itself (a mapping, a connector) may leave the name out: refused like the API does.
  if (typeof name !== 'string' || !name.trim()) {
    throw new AppError('validation_failed', `${base}name: is required`, {
      errors: [{ path: `${base}name`, message: 'is required' }],
    });
  }
  const given = { createdAt, stageChangedAt };
  mayBackdate(ctx, given, base);
  const columns = await toColumns(trx, { name, ...fields }, wctx.input, {
    mode: 'create',
    ...(basePath ? { basePath } : {}),
  });
  const stageKey = stage ?? firstStage?.key ?? 'new';
  const target = wctx.stages.find((s) => s.key === stageKey);
  if (!target) throw noStage(stageKey, base);
  const history = checkHistory(given, target, firstStage, now, base);
  const explicit: ExplicitAssignment = { ownerId, warriorIds, coSalesIds, partnerId };
  const named = hasExplicitAssignment(explicit);
  const assignment = named ? await checkAssignment(trx, ctx, explicit, { basePath, creating: true }) : await implied();
  const values = {
    ...columns,
    ...assignment,
    name: columns.name ?? name,
    source: source ?? options.defaultSource ?? defaultSource(ctx),
    stage: stageKey,
  };
  if (target.kind !== 'open') checkStageRequirements(target, apiValues(values), base);
  return { values, incoming: columns, explicit: named, history };
}

/**
 * History in a body (a lead created in the past) needs leads:backdate: an admin or an integration migrating its
 * records. An import brings history under its own permission (leads:import), as columns. Like a field the role
 * may not write, a 403 naming the fields.
 */
function mayBackdate(ctx: RequestContext, given: LeadHistory, base: string): void {
  const named = (['createdAt', 'stageChangedAt'] as const).filter((f) => given[f] !== undefined);
  if (named.length === 0 || can(ctx.actor.role, 'leads:backdate')) return;
  const paths = named.map((f) => `${base}${f}`);
  throw new AppError('field_forbidden', `Your role may not change: ${paths.join(', ')}`, {
    errors: paths.map((path) => ({ path, message: 'setting a historical date needs the permission leads:backdate' })),
  });
}

function noStage(key: string, base: string): AppError {
  return new AppError('validation_failed', `No stage ${key}`, {
    errors: [{ path: `${base}stage`, message: 'is not a stage of this pipeline' }],
  });
}

function defaultSource(ctx: RequestContext): string {
  if (ctx.actor.role === 'PARTNER') return 'partner';
  return ctx.actor.apiKeyId ? 'api' : 'manual';
}

/** The assignment a creator's role implies when it names none. */
async function impliedAssignment(trx: Tx, ctx: RequestContext): Promise<repo.LeadColumns> {
  const { role, userId, managerId } = ctx.actor;
  if (role === 'SALESPERSON') return { owner_id: userId };
  if (role === 'WARRIOR') return { owner_id: managerId, warrior_ids: [userId] };
  if (role === 'COSALES') return { co_sales_ids: [userId] };
  if (role === 'PARTNER') {
    const partnerId = await repo.actorPartnerId(trx, userId);
    return partnerId ? { partner_id: partnerId } : {};
  }
  return {};
}

/**
 * The items in waves: an item that may repeat an earlier item of the batch (the same e-mail or phone, a name
 * with the same words) waits for a later wave, when that item is a lead the duplicate lookup finds, so the
 * batch decides as items created one after another would. Without such repeats the batch is one wave.
 */
function waves(pending: Pending[], wctx: WriteContext, options: CreateOptions): Pending[][] {
  if (options.onDuplicate === 'decided' || pending.length < 2) return pending.length > 0 ? [pending] : [];
  const waveOfKey = new Map<string, number>();
  const result: Pending[][] = [];
  for (const p of pending) {
    const keys = batchKeys(p.values, wctx.duplicates.plusAddressing);
    const wave = Math.max(-1, ...keys.map((k) => waveOfKey.get(k) ?? -1)) + 1;
    for (const k of keys) waveOfKey.set(k, Math.max(wave, waveOfKey.get(k) ?? -1));
    const bucket = result[wave] ?? [];
    bucket.push(p);
    result[wave] = bucket;
  }
  return result;
}

function batchKeys(values: NewLeadColumns, plusAddressing: boolean): string[] {
  const words = values.name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .sort()
    .join(' ');
  return [
    ...(values.emails ?? []).map((e) => `e:${emailKey(e, plusAddressing)}`),
    ...(values.phones ?? []).map((p) => `p:${p}`),
    ...(words ? [`n:${words}`] : []),
  ];
}

/**
 * The duplicate policy for one wave, decided for all its items at once: refusals and skips are recorded, merges
 * made (each alone: a failing merge changes nothing), and the items to create are returned.
 */
async function settleDuplicates(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  wctx: WriteContext,
  wave: Pending[],
  options: CreateOptions,
  results: CreateResult[],
): Promise<Pending[]> {
  if (options.onDuplicate === 'decided') return wave;
  const decisions = await decideOnCreateMany(trx, ctx, wctx.duplicates, {
    channel: options.channel,
    onDuplicate: options.onDuplicate,
    probes: wave.map(({ values }) => ({
      emails: values.emails ?? [],
      phones: values.phones ?? [],
      name: values.name,
      companyName: values.company_name,
    })),
  });
  const toCreate: Pending[] = [];
  for (const [i, p] of wave.entries()) {
    const decision = decisions[i];
    if (!decision) continue;
    if (decision instanceof AppError) {
      results[p.index] =
        decision.code === 'duplicate_lead'
          ? { status: 'duplicate', error: decision }
          : { status: 'failed', error: decision };
      continue;
    }
    if (decision.action === 'create') {
      toCreate.push({ ...p, created: decision });
      continue;
    }
    await sql`SAVEPOINT lead_merge`.execute(trx);
    try {
      const settled = await settleWithoutCreating(trx, deps, ctx, decision, p.incoming, options.channel);
      results[p.index] = { ...settled, status: decision.action === 'skip' ? 'skipped' : 'merged' };
      await sql`RELEASE SAVEPOINT lead_merge`.execute(trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT lead_merge`.execute(trx);
      if (!(error instanceof AppError)) throw error;
      results[p.index] = { status: 'failed', error };
    }
  }
  return toCreate;
}

interface Decided {
  id: string;
  decision: RoutingDecision;
  /** The assignment's author: null when the rules decided. */
  byUserId: string | null;
}

/**
 * Each lead's owner and why: the one the caller or the actor's role gave it, else the assignment rules for all
 * the unowned leads of the wave at once (or none, when the caller turned the rules off).
 */
async function decideOwners(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  wctx: WriteContext,
  toCreate: Pending[],
  options: CreateOptions,
): Promise<Decided[]> {
  const why = { ...defaultWhy, ...options.why };
  const now = deps.clock.now();
  const open = new Set(wctx.stages.filter((s) => s.kind === 'open').map((s) => s.key));
  const unowned = toCreate.filter((p) => p.values.owner_id === undefined);
  const routed =
    options.useRules === false
      ? []
      : await routeMany(
          trx,
          unowned.map((p) => ({ values: apiValues(p.values), open: open.has(p.values.stage) })),
          now,
        );
  const routedOf = new Map(unowned.map((p, i) => [p.index, routed[i]]));
  return toCreate.map((p) => {
    const decision = routedOf.get(p.index);
    if (decision) return { id: newId(), decision, byUserId: null };
    const ownerId = p.values.owner_id ?? null;
    const detail = p.values.owner_id === undefined ? why.unrouted : p.explicit ? why.explicit : why.implied;
    return { id: newId(), decision: manualDecision(ownerId, detail), byUserId: ctx.actor.userId };
  });
}
