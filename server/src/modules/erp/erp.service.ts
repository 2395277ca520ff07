import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaValidationError } from 'fastify';
import { sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { fieldErrors } from '../../http/validation.ts';
import { enqueue } from '../../jobs/queue.ts';
import { systemContext } from '../../jobs/system-context.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findVisibleLead } from '../leads/index.ts';
import { type Connector, ErpError } from './connector.ts';
import { connectors } from './connectors/index.ts';
import { connectorOf, contextFor, openSecrets, sealSecrets } from './erp.context.ts';
import { consistencyJob } from './erp.jobs.ts';
import { checkMapping, defaultMapping, type MappingField, mappableLeadFields } from './erp.mapping.ts';
import * as repo from './erp.repository.ts';
import { errorText, insertRun } from './erp.runs.ts';
import { checkSchedule, planNext, queueSync } from './erp.schedule.ts';
import type { CreateConnectionInput, UpdateConnectionInput } from './erp.schemas.ts';
import { attachDocuments, queuePush } from './erp.sync.ts';
import { tokenRequest, tokenSecrets } from './oauth.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));
const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });

// Settings are taken as given (no coercion, no defaults filled in): what is stored is what was checked.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
addFormats.default(ajv);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function settingsErrors(connector: Connector, settings: Record<string, unknown>): FieldError[] {
  let validate = validators.get(connector.id);
  if (!validate) {
    validate = ajv.compile(connector.settings);
    validators.set(connector.id, validate);
  }
  if (validate(settings)) return [];
  return fieldErrors(validate.errors as FastifySchemaValidationError[]).map((e) => ({
    ...e,
    path: e.path ? `settings.${e.path}` : 'settings',
  }));
}

function secretErrors(connector: Connector, secrets: Record<string, string | null>, creating: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set(connector.secretFields.map((f) => f.name));
  for (const name of Object.keys(secrets)) {
    if (!names.has(name)) errors.push({ path: `secrets.${name}`, message: `is not a ${connector.label} secret` });
  }
  if (creating) {
    for (const f of connector.secretFields.filter((f) => f.required)) {
      if (!secrets[f.name]) errors.push({ path: `secrets.${f.name}`, message: 'is required' });
    }
  }
  return errors;
}

// Connectors --------------------------------------------------------------------------------------------------

export function listConnectors(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const custom = await trx
      .selectFrom('custom_fields')
      .select(['key', 'label'])
      .where('active', '=', true)
      .orderBy('position')
      .execute();
    const leadFields = [
      ...mappableLeadFields().map((f) => ({ key: f.key, label: f.label })),
      ...custom.map((c) => ({ key: `custom:${c.key}`, label: c.label })),
    ];
    const keys = custom.map((c) => c.key);
    return {
      data: connectors.map((c) => ({
        id: c.id,
        label: c.label,
        oauth: Boolean(c.oauth),
        settings: JSON.parse(JSON.stringify(c.settings)) as Record<string, unknown>,
        secretFields: c.secretFields,
        reads: c.reads,
        writes: c.writes,
        customerFields: c.customerFields.map((f) => ({
          name: f.name,
          label: f.label,
          type: f.type,
          required: Boolean(f.required),
        })),
        defaultMapping: defaultMapping(c, keys),
        leadFields,
      })),
    };
  });
}

// Connections -------------------------------------------------------------------------------------------------

async function statsOf(trx: Tx, id: string) {
  const row = await sql<{
    linked: number;
    review: number;
    invoices: number;
    payments: number;
    errors: number;
    conflicts: number;
  }>`SELECT
      (SELECT count(*)::int FROM erp_links WHERE connection_id = ${id} AND status = 'linked') AS linked,
      (SELECT count(*)::int FROM erp_links WHERE connection_id = ${id} AND status = 'unmatched') AS review,
      (SELECT count(*)::int FROM erp_documents WHERE connection_id = ${id} AND kind = 'invoice' AND NOT deleted) AS invoices,
      (SELECT count(*)::int FROM erp_documents WHERE connection_id = ${id} AND kind = 'payment' AND NOT deleted) AS payments,
      (SELECT count(*)::int FROM erp_errors WHERE connection_id = ${id} AND status = 'open') AS errors,
      (SELECT count(*)::int FROM erp_conflicts WHERE connection_id = ${id} AND status = 'open') AS conflicts`.execute(
    trx,
  );
  const s = row.rows[0] ?? { linked: 0, review: 0, invoices: 0, payments: 0, errors: 0, conflicts: 0 };
  return {
    customersLinked: s.linked,
    forReview: s.review,
    invoices: s.invoices,
    payments: s.payments,
    openErrors: s.errors,
    openConflicts: s.conflicts,
  };
}

async function toConnection(trx: Tx, deps: Deps, row: repo.ConnectionRow) {
  const connector = connectorOf(row);
  const secrets = openSecrets(deps, row);
  const base = deps.config.publicUrl ?? '';
  return {
    id: row.id,
    connector: row.connector,
    connectorLabel: connector.label,
    name: row.name,
    status: row.status as 'pending' | 'connected' | 'paused' | 'broken',
    statusReason: row.status_reason,
    settings: row.settings as Record<string, unknown>,
    secretsSet: connector.secretFields.map((f) => f.name).filter((n) => Boolean(secrets[n])),
    oauthConnected: Boolean(connector.oauth && secrets.refreshToken),
    mapping: row.mapping as unknown as MappingField[],
    pushOnWon: row.push_on_won,
    schedule: row.schedule,
    nextRunAt: isoOrNull(row.next_run_at),
    notificationUrl: connector.parsePush ? `${base}/api/v1/erp/notify/${row.company_id}/${row.id}` : null,
    lastRunAt: isoOrNull(row.last_run_at),
    lastSuccessAt: isoOrNull(row.last_success_at),
    lastError: row.last_error ? { message: row.last_error, at: isoOrNull(row.last_error_at) } : null,
    stats: await statsOf(trx, row.id),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** What the audit log keeps of a connection: never a secret, only which are set. */
function snapshot(row: repo.ConnectionRow, deps: Deps) {
  return {
    name: row.name,
    connector: row.connector,
    status: row.status,
    settings: row.settings,
    secretsSet: Object.keys(openSecrets(deps, row)).sort(),
    mapping: row.mapping,
    pushOnWon: row.push_on_won,
    schedule: row.schedule,
  };
}

async function loadConnection(trx: Tx, id: string, lock = false) {
  if (!isUuid(id)) throw notFound('ERP connection');
  const row = lock ? await repo.lockConnection(trx, id) : await repo.findConnection(trx, id);
  if (!row) throw notFound('ERP connection');
  return row;
}

export function listConnections(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.listConnections(trx);
    return { data: await Promise.all(rows.map((r) => toConnection(trx, deps, r))) };
  });
}

export function getConnection(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) =>
    toConnection(trx, deps, await loadConnection(trx, id)),
  );
}

async function nameTaken(trx: Tx, name: string, except: string | null) {
  const row = await trx
    .selectFrom('erp_connections')
    .select('id')
    .where(sql<boolean>`lower(name) = ${name.toLowerCase()}`)
    .$if(except !== null, (q) => q.where('id', '!=', except as string))
    .executeTakeFirst();
  return Boolean(row);
}

export function createConnection(deps: Deps, ctx: RequestContext, body: CreateConnectionInput) {
  const companyId = ctx.actor.companyId;
  const connector = connectors.find((c) => c.id === body.connector);
  if (!connector) throw invalid([{ path: 'connector', message: 'is not a connector' }]);
  return withTenant(deps.db, companyId, async (trx) => {
    const customKeys = await repo.customFieldKeys(trx);
    const mapping = (body.mapping as MappingField[] | undefined) ?? defaultMapping(connector, customKeys);
    const errors = [
      ...settingsErrors(connector, body.settings),
      ...secretErrors(connector, body.secrets ?? {}, true),
      ...checkMapping(mapping, connector, customKeys).map((e) => ({
        ...e,
        path: e.path.replace(/^fields/, 'mapping'),
      })),
    ];
    const scheduleError = checkSchedule(body.schedule);
    if (scheduleError) errors.push(scheduleError);
    const name = body.name.trim();
    if (!name) errors.push({ path: 'name', message: 'must not be blank' });
    else if (await nameTaken(trx, name, null))
      errors.push({ path: 'name', message: 'is already used by another connection' });
    if (errors.length > 0) throw invalid(errors);
    const secrets = Object.fromEntries(Object.entries(body.secrets ?? {}).filter(([, v]) => v)) as Record<
      string,
      string
    >;
    const now = deps.clock.now();
    const row = await trx
      .insertInto('erp_connections')
      .values({
        company_id: companyId,
        id: newId(),
        connector: connector.id,
        name,
        status: connector.oauth ? 'pending' : 'connected',
        status_reason: connector.oauth ? 'Connect to authorize iPerform' : null,
        settings: JSON.stringify(body.settings),
        secrets_sealed: sealSecrets(deps, companyId, secrets),
        mapping: JSON.stringify(mapping),
        push_on_won: body.pushOnWon ?? true,
        schedule: body.schedule ?? null,
        created_by: ctx.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await planNext(trx, deps, row);
    await recordAudit(trx, ctx, {
      action: 'erp_connection.created',
      entityType: 'erp_connection',
      entityId: row.id,
      after: snapshot(row, deps),
      at: now,
    });
    return toConnection(trx, deps, (await repo.findConnection(trx, row.id)) ?? row);
  });
}

export function updateConnection(deps: Deps, ctx: RequestContext, id: string, body: UpdateConnectionInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await loadConnection(trx, id, true);
    const connector = connectorOf(before);
    const errors: FieldError[] = [];
    // Settings are patched key by key (null removes one), then checked whole.
    const settings = body.settings
      ? Object.fromEntries(
          Object.entries({ ...(before.settings as Record<string, unknown>), ...body.settings }).filter(
            ([, v]) => v !== null,
          ),
        )
      : (before.settings as Record<string, unknown>);
    if (body.settings) errors.push(...settingsErrors(connector, settings));
    if (body.secrets) errors.push(...secretErrors(connector, body.secrets, false));
    const scheduleError = checkSchedule(body.schedule);
    if (scheduleError) errors.push(scheduleError);
    const name = body.name?.trim();
    if (body.name !== undefined && !name) errors.push({ path: 'name', message: 'must not be blank' });
    else if (name && (await nameTaken(trx, name, id)))
      errors.push({ path: 'name', message: 'is already used by another connection' });
    if (errors.length > 0) throw invalid(errors);
    const secrets = openSecrets(deps, before);
    for (const [k, v] of Object.entries(body.secrets ?? {})) {
      if (v === null || v === '') delete secrets[k];
      else secrets[k] = v;
    }
    let status = before.status;
    let reason = before.status_reason;
    if (body.paused === true && status !== 'pending') {
      status = 'paused';
      reason = `Paused by ${ctx.actor.name}`;
    }
    if (body.paused === false && status === 'paused') {
      status = 'connected';
      reason = null;
    }
    // New credentials give a broken connection another chance (the next check or run tells).
    if (body.secrets && status === 'broken' && !connector.oauth) {
      status = 'connected';
      reason = null;
    }
    const after = await trx
      .updateTable('erp_connections')
      .set({
        name: name ?? before.name,
        settings: JSON.stringify(settings),
        secrets_sealed: sealSecrets(deps, before.company_id, secrets),
        push_on_won: body.pushOnWon ?? before.push_on_won,
        schedule: body.schedule === undefined ? before.schedule : body.schedule,
        status,
        status_reason: reason,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (body.schedule !== undefined) await planNext(trx, deps, after);
    if (status === 'connected' && before.status !== 'connected') await sql`SELECT app_erp_wake()`.execute(trx);
    await recordAudit(trx, ctx, {
      action: 'erp_connection.updated',
      entityType: 'erp_connection',
      entityId: id,
      before: snapshot(before, deps),
      after: snapshot(after, deps),
      at: deps.clock.now(),
    });
    return toConnection(trx, deps, (await repo.findConnection(trx, id)) ?? after);
  });
}

export function deleteConnection(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await loadConnection(trx, id, true);
    await trx.deleteFrom('erp_connections').where('id', '=', id).execute();
    await recordAudit(trx, ctx, {
      action: 'erp_connection.deleted',
      entityType: 'erp_connection',
      entityId: id,
      before: snapshot(before, deps),
      at: deps.clock.now(),
    });
  });
}

export function setMapping(deps: Deps, ctx: RequestContext, id: string, fields: MappingField[]) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await loadConnection(trx, id, true);
    const errors = checkMapping(fields, connectorOf(before), await repo.customFieldKeys(trx));
    if (errors.length > 0) throw invalid(errors);
    const after = await trx
      .updateTable('erp_connections')
      .set({ mapping: JSON.stringify(fields), updated_at: deps.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, {
      action: 'erp_connection.mapping_changed',
      entityType: 'erp_connection',
      entityId: id,
      before: { mapping: before.mapping },
      after: { mapping: after.mapping },
      at: deps.clock.now(),
    });
    return toConnection(trx, deps, after);
  });
}

/** Tries the connection now (outside any transaction: the ERP may take its time) and records the outcome. */
export async function checkConnection(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => loadConnection(trx, id));
  if (row.status === 'pending') throw new AppError('erp_not_connected', 'Connect the account first');
  let result: { ok: boolean; detail: string };
  try {
    result = { ok: true, detail: await connectorOf(row).check(contextFor(deps, row)) };
  } catch (error) {
    if (!(error instanceof ErpError)) throw error;
    result = { ok: false, detail: errorText(error) };
  }
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await trx
      .updateTable('erp_connections')
      .set(
        result.ok
          ? { last_success_at: now, ...(row.status === 'broken' ? { status: 'connected', status_reason: null } : {}) }
          : { last_error: result.detail, last_error_at: now },
      )
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      action: 'erp_connection.checked',
      entityType: 'erp_connection',
      entityId: id,
      after: result,
      at: now,
    });
  });
  return result;
}

// OAuth -------------------------------------------------------------------------------------------------------

const hashState = (secret: string) => createHash('sha256').update(secret).digest('hex');
const callbackUrl = (origin: string) => `${origin}/api/v1/erp/oauth/callback`;

/** The vendor's authorize URL for this connection; the state names the company and connection, and a secret. */
export function startOAuth(deps: Deps, ctx: RequestContext, id: string, origin: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await loadConnection(trx, id, true);
    const connector = connectorOf(row);
    if (!connector.oauth) throw invalid([{ path: 'id', message: `${connector.label} does not use OAuth` }]);
    const secrets = openSecrets(deps, row);
    if (!secrets.clientId || !secrets.clientSecret) {
      throw invalid([{ path: 'secrets', message: 'set clientId and clientSecret first' }]);
    }
    const secret = randomBytes(24).toString('base64url');
    await trx
      .updateTable('erp_connections')
      .set({ oauth_state_hash: hashState(secret) })
      .where('id', '=', id)
      .execute();
    const settings = row.settings as Record<string, unknown>;
    const url = new URL(connector.oauth.authorizeUrl(settings));
    url.searchParams.set('client_id', secrets.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', connector.oauth.scopes.join(connector.id.startsWith('zoho') ? ',' : ' '));
    url.searchParams.set('redirect_uri', callbackUrl(origin));
    url.searchParams.set('state', `${row.company_id}.${row.id}.${secret}`);
    for (const [k, v] of Object.entries(connector.oauth.authorizeParams ?? {})) url.searchParams.set(k, v);
    return { authorizeUrl: url.toString() };
  });
}

/**
 * The vendor's redirect: the code is exchanged for tokens (sealed), kept settings are stored, the connection is
 * connected and audited. Answers the web page to go back to.
 */
export async function finishOAuth(deps: Deps, query: Record<string, string | undefined>, origin: string) {
  const [companyId, id, secret] = (query.state ?? '').split('.');
  if (!companyId || !id || !secret || !isUuid(companyId) || !isUuid(id))
    throw invalid([{ path: 'state', message: 'is not valid' }]);
  return withTenant(deps.db, companyId, async (trx) => {
    const row = await repo.lockConnection(trx, id);
    const expected = row?.oauth_state_hash ? Buffer.from(row.oauth_state_hash) : null;
    const given = Buffer.from(hashState(secret));
    if (!row || !expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw invalid([{ path: 'state', message: 'is not valid or was already used' }]);
    }
    const page = `/settings/erp/${row.id}`;
    if (query.error || !query.code) return `${page}?oauth=${encodeURIComponent(query.error ?? 'no_code')}`;
    const connector = connectorOf(row);
    const oauth = connector.oauth;
    if (!oauth) return `${page}?oauth=not_oauth`;
    const secrets = openSecrets(deps, row);
    const settings = { ...(row.settings as Record<string, unknown>) };
    try {
      const token = await tokenRequest(oauth.tokenUrl(settings), {
        grant_type: 'authorization_code',
        code: query.code,
        redirect_uri: callbackUrl(origin),
        client_id: secrets.clientId ?? '',
        client_secret: secrets.clientSecret ?? '',
      });
      Object.assign(secrets, tokenSecrets(token, deps.clock.now()));
      for (const k of oauth.keepFromToken ?? []) if (typeof token[k] === 'string') settings[k] = token[k];
    } catch (error) {
      if (!(error instanceof ErpError)) throw error;
      await trx
        .updateTable('erp_connections')
        .set({ last_error: errorText(error), last_error_at: deps.clock.now(), oauth_state_hash: null })
        .where('id', '=', id)
        .execute();
      return `${page}?oauth=${encodeURIComponent(error.message)}`;
    }
    for (const k of oauth.keepFromCallback ?? []) if (query[k]) settings[k] = query[k];
    const now = deps.clock.now();
    await trx
      .updateTable('erp_connections')
      .set({
        secrets_sealed: sealSecrets(deps, companyId, secrets),
        settings: JSON.stringify(settings),
        status: 'connected',
        status_reason: null,
        oauth_state_hash: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, systemContext(companyId, 'erp.oauth'), {
      action: 'erp_connection.authorized',
      entityType: 'erp_connection',
      entityId: id,
      after: { connector: connector.id, settings },
      at: now,
    });
    await sql`SELECT app_erp_wake()`.execute(trx);
    return `${page}?oauth=connected`;
  });
}

// Runs --------------------------------------------------------------------------------------------------------

export function toRun(row: repo.RunRow) {
  return {
    id: row.id,
    connectionId: row.connection_id,
    kind: row.kind as 'sync' | 'push' | 'consistency',
    trigger: row.trigger,
    status: row.status as 'queued' | 'running' | 'succeeded' | 'failed',
    phase: row.phase,
    counts: row.counts as Record<string, number>,
    error: row.error,
    createdAt: iso(row.created_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

function requireConnected(row: repo.ConnectionRow) {
  if (row.status !== 'connected') {
    throw new AppError(
      'erp_not_connected',
      `The connection is ${row.status}${row.status_reason ? `: ${row.status_reason}` : ''}`,
    );
  }
}

export function requestSync(deps: Deps, ctx: RequestContext, id: string, full: boolean) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await loadConnection(trx, id, true);
    requireConnected(row);
    const active = await repo.activeRun(trx, id, 'sync');
    if (active) return toRun((await repo.findRun(trx, active.id)) as repo.RunRow);
    if (full) await trx.updateTable('erp_connections').set({ checkpoints: '{}' }).where('id', '=', id).execute();
    const run = await queueSync(trx, deps, row, 'manual', ctx.actor.userId);
    await recordAudit(trx, ctx, {
      action: 'erp_connection.sync_requested',
      entityType: 'erp_connection',
      entityId: id,
      after: { runId: run.id, full },
      at: deps.clock.now(),
    });
    return toRun(run);
  });
}

export function requestConsistency(deps: Deps, ctx: RequestContext, id: string, repair: boolean) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await loadConnection(trx, id, true);
    requireConnected(row);
    const run = await insertRun(trx, deps, row, 'consistency', 'manual', ctx.actor.userId);
    const now = deps.clock.now();
    await enqueue(trx, consistencyJob, { runId: run.id, repair }, { runAt: now, now });
    await recordAudit(trx, ctx, {
      action: repair ? 'erp_connection.repair_requested' : 'erp_connection.check_requested',
      entityType: 'erp_connection',
      entityId: id,
      after: { runId: run.id },
      at: now,
    });
    return toRun(run);
  });
}

export function listRuns(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await loadConnection(trx, id);
    return { data: (await repo.listRuns(trx, id)).map(toRun) };
  });
}

export function getRun(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = isUuid(id) ? await repo.findRun(trx, id) : undefined;
    if (!row) throw notFound('ERP run');
    const report = row.report as { drift: { leadId: string | null }[]; truncated: boolean } | null;
    if (!report) return { ...toRun(row), report: null };
    const names = await leadNames(
      trx,
      report.drift.map((d) => d.leadId),
    );
    return {
      ...toRun(row),
      report: {
        truncated: report.truncated,
        drift: report.drift.map((d) => ({ ...d, leadName: d.leadId ? (names.get(d.leadId) ?? null) : null })),
      },
    } as never;
  });
}

async function leadNames(trx: Tx, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (wanted.length === 0) return new Map<string, string>();
  const rows = await trx.selectFrom('leads').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

// Error queue -------------------------------------------------------------------------------------------------

export function listErrors(deps: Deps, ctx: RequestContext, id: string, status: 'open' | 'resolved' | 'skipped') {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await loadConnection(trx, id);
    const rows = await trx
      .selectFrom('erp_errors')
      .selectAll()
      .where('connection_id', '=', id)
      .where('status', '=', status)
      .orderBy('updated_at', 'desc')
      .limit(200)
      .execute();
    const names = await leadNames(
      trx,
      rows.map((r) => r.lead_id),
    );
    return { data: rows.map((r) => toError(r, names)) };
  });
}

function toError(r: repo.ErrorRow, names: Map<string, string>) {
  return {
    id: r.id,
    connectionId: r.connection_id,
    direction: r.direction as 'push' | 'pull',
    entity: r.entity,
    leadId: r.lead_id,
    leadName: r.lead_id ? (names.get(r.lead_id) ?? null) : null,
    externalId: r.external_id,
    kind: r.kind,
    message: r.message,
    vendorCode: r.vendor_code,
    attempts: r.attempts,
    nextRetryAt: isoOrNull(r.next_retry_at),
    status: r.status as 'open' | 'resolved' | 'skipped',
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Retry now (after fixing the mapping or the lead) or skip: a skipped error stays in the log, closed. */
export function actOnError(deps: Deps, ctx: RequestContext, id: string, action: 'retry' | 'skip') {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = isUuid(id) ? await repo.findError(trx, id) : undefined;
    if (!row) throw notFound('ERP error');
    if (row.status !== 'open') throw new AppError('conflict', `The error is already ${row.status}`);
    const now = deps.clock.now();
    if (action === 'skip') {
      await trx
        .updateTable('erp_errors')
        .set({ status: 'skipped', next_retry_at: null, updated_at: now })
        .where('id', '=', id)
        .execute();
    } else if (row.lead_id) {
      await trx.updateTable('erp_errors').set({ next_retry_at: null, updated_at: now }).where('id', '=', id).execute();
      await queuePush(trx, { company_id: row.company_id, id: row.connection_id }, row.lead_id, 'retry');
    } else {
      const connection = await loadConnection(trx, row.connection_id);
      await trx.updateTable('erp_errors').set({ status: 'resolved', updated_at: now }).where('id', '=', id).execute();
      await queueSync(trx, deps, connection, 'manual', ctx.actor.userId);
    }
    await recordAudit(trx, ctx, {
      action: `erp_error.${action === 'skip' ? 'skipped' : 'retried'}`,
      entityType: 'erp_connection',
      entityId: row.connection_id,
      after: { errorId: id, leadId: row.lead_id, message: row.message },
      at: now,
    });
    const names = await leadNames(trx, [row.lead_id]);
    return toError((await repo.findError(trx, id)) as repo.ErrorRow, names);
  });
}

// Conflicts ---------------------------------------------------------------------------------------------------

function toConflict(r: repo.ConflictRow, names: Map<string, string>) {
  return {
    id: r.id,
    connectionId: r.connection_id,
    leadId: r.lead_id,
    leadName: names.get(r.lead_id) ?? null,
    externalId: r.external_id,
    erpField: r.erp_field,
    leadField: r.lead_field,
    ours: r.ours,
    theirs: r.theirs,
    base: r.base,
    status: r.status as 'open' | 'resolved',
    resolution: r.resolution as 'erp' | 'iperform' | null,
    createdAt: iso(r.created_at),
  };
}

export function listConflicts(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await loadConnection(trx, id);
    const rows = await trx
      .selectFrom('erp_conflicts')
      .selectAll()
      .where('connection_id', '=', id)
      .where('status', '=', 'open')
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
    const names = await leadNames(
      trx,
      rows.map((r) => r.lead_id),
    );
    return { data: rows.map((r) => toConflict(r, names)) };
  });
}

/**
 * Settles a conflict: taking the ERP's value writes it to the lead (the next sync would otherwise ask again);
 * taking ours pushes it. Either way the agreed base moves so the field is no longer in dispute.
 */
export function resolveConflict(deps: Deps, ctx: RequestContext, id: string, take: 'erp' | 'iperform') {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = isUuid(id) ? await repo.findConflict(trx, id) : undefined;
    if (!row) throw notFound('ERP conflict');
    if (row.status !== 'open') throw new AppError('conflict', 'The conflict is already resolved');
    const link = await repo.findLink(trx, row.connection_id, row.external_id);
    const now = deps.clock.now();
    await trx
      .updateTable('erp_conflicts')
      .set({ status: 'resolved', resolution: take, resolved_by: ctx.actor.userId, resolved_at: now })
      .where('id', '=', id)
      .execute();
    if (link) {
      const synced = { ...(link.synced as Record<string, unknown>) };
      // The side that loses looks unchanged from the base, so the next pass carries the winner over.
      synced[row.erp_field] = take === 'erp' ? row.ours : row.theirs;
      await trx
        .updateTable('erp_links')
        .set({ synced: JSON.stringify(synced) })
        .where('connection_id', '=', row.connection_id)
        .where('external_id', '=', row.external_id)
        .execute();
      if (take === 'iperform') {
        await queuePush(trx, { company_id: row.company_id, id: row.connection_id }, row.lead_id, 'manual');
      } else {
        const connection = await loadConnection(trx, row.connection_id);
        // The ERP's value is taken by reading the customer again (the checkpoint reads only changes).
        await queueCustomerRefresh(trx, deps, connection, ctx);
      }
    }
    await recordAudit(trx, ctx, {
      action: 'erp_conflict.resolved',
      entityType: 'lead',
      entityId: row.lead_id,
      after: { field: row.lead_field, take, ours: row.ours, theirs: row.theirs },
      at: now,
    });
    return toConflict((await repo.findConflict(trx, id)) as repo.ConflictRow, await leadNames(trx, [row.lead_id]));
  });
}

async function queueCustomerRefresh(trx: Tx, deps: Deps, connection: repo.ConnectionRow, ctx: RequestContext) {
  if (connection.status !== 'connected' || (await repo.activeRun(trx, connection.id, 'sync'))) return;
  await sql`UPDATE erp_connections SET checkpoints = checkpoints - 'customer' WHERE id = ${connection.id}`.execute(trx);
  await queueSync(trx, deps, connection, 'manual', ctx.actor.userId);
}

// Review of unmatched customers -------------------------------------------------------------------------------

export function listReview(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await loadConnection(trx, id);
    const rows = await trx
      .selectFrom('erp_links')
      .selectAll()
      .where('connection_id', '=', id)
      .where('status', '=', 'unmatched')
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
    const names = await leadNames(
      trx,
      rows.flatMap((r) => r.candidates),
    );
    return {
      data: rows.map((r) => ({
        externalId: r.external_id,
        fields: r.erp_fields as Record<string, unknown>,
        candidates: r.candidates.filter((c) => names.has(c)).map((c) => ({ id: c, name: names.get(c) as string })),
        status: 'unmatched' as const,
        createdAt: iso(r.created_at),
      })),
    };
  });
}

export function reviewCustomer(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { externalId: string; action: 'link' | 'ignore'; leadId?: string },
) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const connection = await loadConnection(trx, id);
    const link = await repo.findLink(trx, id, body.externalId);
    if (!link || link.status === 'linked') throw notFound('customer to review');
    if (body.action === 'link') {
      if (!body.leadId) throw invalid([{ path: 'leadId', message: 'is required to link' }]);
      const lead = await findVisibleLead(trx, ctx.actor, body.leadId);
      if (!lead) throw invalid([{ path: 'leadId', message: 'is not a lead you can see' }]);
      if (await repo.linkOfLead(trx, id, body.leadId)) {
        throw invalid([{ path: 'leadId', message: 'is already linked to another customer of this connection' }]);
      }
      await trx
        .updateTable('erp_links')
        .set({ lead_id: body.leadId, status: 'linked', synced: '{}', synced_at: deps.clock.now() })
        .where('connection_id', '=', id)
        .where('external_id', '=', body.externalId)
        .execute();
      await attachDocuments(trx, id, body.externalId, body.leadId);
      // The next read settles the fields by the policy, as for a customer matched on its own.
      await queueCustomerRefresh(trx, deps, connection, ctx);
    } else {
      await trx
        .updateTable('erp_links')
        .set({ status: 'ignored' })
        .where('connection_id', '=', id)
        .where('external_id', '=', body.externalId)
        .execute();
    }
    await recordAudit(trx, ctx, {
      action: body.action === 'link' ? 'erp_customer.linked' : 'erp_customer.ignored',
      entityType: 'erp_connection',
      entityId: id,
      after: { externalId: body.externalId, leadId: body.leadId ?? null },
      at: deps.clock.now(),
    });
  });
}

// Notifications from the ERP ----------------------------------------------------------------------------------

/**
 * A change notification (QuickBooks webhook, Zoho notification): verified against the connection's secrets,
 * then a sync run is queued (unless one is waiting), which reads the changes from the checkpoint. Unknown or
 * unverifiable notifications are refused without saying which part failed.
 */
export async function receiveNotification(
  deps: Deps,
  companyId: string,
  connectionId: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
) {
  const refused = () => new AppError('invalid_signature');
  if (!isUuid(companyId) || !isUuid(connectionId)) throw refused();
  return withTenant(deps.db, companyId, async (trx) => {
    const row = await repo.lockConnection(trx, connectionId);
    if (!row) throw refused();
    const connector = connectorOf(row);
    if (!connector.verifyPush || !connector.parsePush) throw refused();
    if (!connector.verifyPush(headers, body, openSecrets(deps, row))) throw refused();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AppError('malformed_json');
    }
    const changes = connector.parsePush(parsed);
    if (changes.length > 0 && row.status === 'connected' && !(await repo.activeRun(trx, row.id, 'sync'))) {
      await queueSync(trx, deps, row, 'notification', null);
    }
    return { received: changes.reduce((n, c) => n + c.externalIds.length, 0) };
  });
}

// The lead's page ---------------------------------------------------------------------------------------------

export function leadErp(deps: Deps, ctx: RequestContext, leadId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!isUuid(leadId) || !(await findVisibleLead(trx, ctx.actor, leadId))) throw notFound('lead');
    const company = await trx.selectFrom('companies').select('currency').executeTakeFirstOrThrow();
    const links = await trx
      .selectFrom('erp_links as k')
      .innerJoin('erp_connections as c', (j) =>
        j.onRef('c.company_id', '=', 'k.company_id').onRef('c.id', '=', 'k.connection_id'),
      )
      .select(['k.connection_id', 'c.name', 'c.connector', 'k.external_id', 'k.deleted_in_erp', 'k.synced_at'])
      .where('k.lead_id', '=', leadId)
      .where('k.status', '=', 'linked')
      .execute();
    const docs = await trx
      .selectFrom('erp_documents as d')
      .innerJoin('erp_connections as c', (j) =>
        j.onRef('c.company_id', '=', 'd.company_id').onRef('c.id', '=', 'd.connection_id'),
      )
      .select([
        'd.id',
        'd.kind',
        'c.name as connection_name',
        'd.external_id',
        'd.number',
        sql<string>`to_char(d.doc_date, 'YYYY-MM-DD')`.as('date'),
        sql<string | null>`to_char(d.due_date, 'YYYY-MM-DD')`.as('due'),
        'd.currency',
        'd.total',
        'd.balance',
        'd.status',
        'd.lines',
        'd.invoice_refs',
      ])
      .where('d.lead_id', '=', leadId)
      .where('d.deleted', '=', false)
      .orderBy('d.doc_date', 'desc')
      .limit(500)
      .execute();
    const currencyOf = (c: string | null) => c ?? company.currency;
    const outstanding = new Map<string, number>();
    for (const d of docs) {
      if (d.kind !== 'invoice') continue;
      const c = currencyOf(d.currency);
      outstanding.set(c, (outstanding.get(c) ?? 0) + Number(d.balance ?? 0));
    }
    return {
      customers: links.map((l) => ({
        connectionId: l.connection_id,
        connectionName: l.name,
        connector: l.connector,
        externalId: l.external_id,
        deletedInErp: l.deleted_in_erp,
        syncedAt: iso(l.synced_at),
      })),
      invoices: docs
        .filter((d) => d.kind === 'invoice')
        .map((d) => ({
          id: d.id,
          connectionName: d.connection_name,
          externalId: d.external_id,
          number: d.number,
          date: d.date,
          dueDate: d.due,
          currency: currencyOf(d.currency),
          total: Number(d.total).toFixed(2),
          balance: Number(d.balance ?? 0).toFixed(2),
          status: d.status,
          lines: d.lines as never,
        })),
      payments: docs
        .filter((d) => d.kind === 'payment')
        .map((d) => ({
          id: d.id,
          connectionName: d.connection_name,
          externalId: d.external_id,
          reference: d.number,
          date: d.date,
          currency: currencyOf(d.currency),
          amount: Number(d.total).toFixed(2),
          invoices: d.invoice_refs,
        })),
      outstanding: [...outstanding].map(([currency, amount]) => ({ currency, amount: amount.toFixed(2) })),
    };
  });
}

/** "Push to ERP" on a lead: queued for the push job (which creates the customer or writes what changed). */
export function pushLead(deps: Deps, ctx: RequestContext, leadId: string, connectionId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!isUuid(leadId) || !(await findVisibleLead(trx, ctx.actor, leadId, { forChange: true })))
      throw notFound('lead');
    const connection = await loadConnection(trx, connectionId);
    requireConnected(connection);
    await queuePush(trx, connection, leadId, 'manual');
    await recordAudit(trx, ctx, {
      action: 'erp.push_requested',
      entityType: 'lead',
      entityId: leadId,
      after: { connection: connection.name },
      at: deps.clock.now(),
    });
    return { queued: true };
  });
}

/** Pause or resume from the integrations home (a pending connection cannot be paused: 409). */
export async function setErpPaused(deps: Deps, ctx: RequestContext, id: string, paused: boolean) {
  const current = await getConnection(deps, ctx, id);
  if (current.status === 'pending') throw new AppError('erp_not_connected', 'Connect the account first');
  await updateConnection(deps, ctx, id, { paused });
}
