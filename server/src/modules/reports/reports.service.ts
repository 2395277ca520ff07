import { mayManageKept } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, forbidden, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { clickhouseFor, engineStatus } from '../analytics/index.ts';
import { recordAudit } from '../audit/index.ts';
import { fieldAccessFor } from '../leads/index.ts';
import { can } from '../users/index.ts';
import { prebuiltReports } from './catalog.ts';
import { fitToAccess, isHidden, plan } from './compile.ts';
import { loadContext } from './context.ts';
import * as repo from './reports.repository.ts';
import type { DefinitionInput, RunInputBody } from './reports.schemas.ts';
import { runReport } from './run.ts';
import { type Definition, grains } from './semantic.ts';
import { subjects } from './subjects/index.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const mayReportOn = (actor: Actor, subject: string) => {
  const permission = subjects[subject]?.permission;
  return !permission || can(actor.role, permission);
};

/** Whether the caller's role may run a report: its subject, and at least a measure of it the role may see. */
async function fitsFor(trx: Tx, actor: Actor) {
  const access = await fieldAccessFor(trx, actor.role);
  return (d: Definition) => {
    const subject = subjects[d.subject];
    return !!subject && mayReportOn(actor, d.subject) && fitToAccess(subject, d, access) !== null;
  };
}

/** Every pre-built report the caller's role may run, then its own and the shared saved ones. */
export async function listReports(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const saved = await repo.listVisibleSaved(trx, ctx.actor);
    const fits = await fitsFor(trx, ctx.actor);
    const prebuilt = prebuiltReports
      .filter((r) => fits(r.definition))
      .map((r) => ({
        key: r.key,
        name: r.name,
        group: r.group,
        description: r.description,
        subject: r.definition.subject,
        chart: r.definition.chart,
        range: r.range,
        saved: false,
      }));
    const own = saved
      .filter((r) => fits(r.definition))
      .map((r) => ({
        key: r.id,
        name: r.name,
        group: 'saved',
        description: `Saved by ${r.owner_name}${r.shared ? ', shared' : ''}`,
        subject: r.definition.subject,
        chart: r.definition.chart ?? 'table',
        range: 'all',
        saved: true,
      }));
    return { data: [...prebuilt, ...own] };
  });
}

/** What the builder may pick: each subject the caller may report on, without the fields it may not see. */
export async function reportModel(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const { ctx: c } = await loadContext(trx, ctx.actor, deps.clock.now(), { preset: 'all' }, false);
    const hidden = (field: string | readonly string[] | null | undefined) => isHidden(c.access, field);
    return {
      subjects: Object.values(subjects)
        .filter((s) => mayReportOn(ctx.actor, s.key))
        .map((s) => ({
          key: s.key,
          label: s.label,
          description: s.description,
          timeFields: Object.entries(s.timeFields)
            .filter(([, t]) => !hidden(t.field))
            .map(([key, t]) => ({ key, label: t.label })),
          defaultTime: s.defaultTime,
          grains: [...grains],
          dimensions: [
            ...Object.entries(s.dimensions)
              .filter(([, d]) => !hidden(d.field))
              .map(([key, d]) => ({ key, label: d.label, kind: d.kind })),
            ...(s.leadFilters && s.list !== 'activities'
              ? c.customFields.map((f) => ({ key: `customFields.${f.key}`, label: f.label, kind: 'text' }))
              : []),
          ],
          measures: Object.entries(s.measures)
            .filter(([, m]) => !hidden(m.field))
            .map(([key, m]) => ({ key, label: m.label, format: m.format })),
          filters: s.leadFilters,
        })),
    };
  });
}

export async function run(deps: Deps, ctx: RequestContext, body: RunInputBody) {
  return withTenant(deps.db, ctx.actor.companyId, (trx) =>
    runReport(trx, ctx.actor, deps.clock.now(), body, { clickhouse: clickhouseFor(deps.config) }),
  );
}

/** Which engine the reports run on, and how far ClickHouse is behind PostgreSQL (the admin dashboard's lag). */
export async function engine(deps: Deps, ctx: RequestContext) {
  return engineStatus(deps, ctx.actor.companyId);
}

/** A definition is checked as a run would check it, so that a saved report always runs. */
async function checkDefinition(deps: Deps, ctx: RequestContext, definition: DefinitionInput, path: string) {
  const subject = subjects[definition.subject];
  if (!subject) {
    throw new AppError('validation_failed', `${path}.subject: ${definition.subject} is not a subject`, {
      errors: [{ path: `${path}.subject`, message: `must be one of ${Object.keys(subjects).join(', ')}` }],
    });
  }
  if (!mayReportOn(ctx.actor, definition.subject)) throw forbidden(`Your role may not report on ${subject.label}`);
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const { ctx: c } = await loadContext(trx, ctx.actor, deps.clock.now(), { preset: 'all' }, false);
    const errors: { path: string; message: string }[] = [];
    plan(
      subject,
      { measures: definition.measures, groupBy: definition.groupBy ?? [], timeField: definition.timeField },
      c,
      `${path}.`,
      errors,
    );
    if (errors.length > 0) {
      throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
  });
}

function toSaved(row: repo.SavedRow, actor: Actor) {
  return {
    id: row.id,
    name: row.name,
    definition: row.definition as DefinitionInput,
    shared: row.shared,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    editable: mayManageKept(actor, { ownerId: row.owner_id }),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const blank = (name: string | undefined) => name !== undefined && name.trim() === '';
function checkName(name: string | undefined) {
  if (blank(name)) {
    throw new AppError('validation_failed', 'name: must not be blank', {
      errors: [{ path: 'name', message: 'must not be blank' }],
    });
  }
}

export async function createSaved(
  deps: Deps,
  ctx: RequestContext,
  body: { name: string; definition: DefinitionInput; shared?: boolean | undefined },
) {
  checkName(body.name);
  await checkDefinition(deps, ctx, body.definition, 'definition');
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const id = newId();
    await repo.insertSaved(trx, {
      companyId: ctx.actor.companyId,
      id,
      ownerId: ctx.actor.userId,
      name: body.name.trim(),
      definition: body.definition,
      shared: body.shared ?? false,
      at: deps.clock.now(),
    });
    const row = (await repo.findSaved(trx, id)) as repo.SavedRow;
    await recordAudit(trx, ctx, {
      action: 'report.saved',
      entityType: 'saved_report',
      entityId: id,
      after: { name: row.name, shared: row.shared, definition: row.definition },
    });
    return toSaved(row, ctx.actor);
  });
}

/** The caller's own and the shared saved reports its role may run, in one read. */
export async function listSaved(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const fits = await fitsFor(trx, ctx.actor);
    const rows = await repo.listVisibleSaved(trx, ctx.actor);
    return rows.filter((r) => fits(r.definition)).map((r) => toSaved(r, ctx.actor));
  });
}

export async function getSaved(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findVisibleSaved(trx, ctx.actor, id);
    if (!row) throw notFound('report');
    return toSaved(row, ctx.actor);
  });
}

export async function updateSaved(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { name?: string | undefined; definition?: DefinitionInput | undefined; shared?: boolean | undefined },
) {
  checkName(body.name);
  if (body.definition) await checkDefinition(deps, ctx, body.definition, 'definition');
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findVisibleSaved(trx, ctx.actor, id);
    if (!before) throw notFound('report');
    if (!mayManageKept(ctx.actor, { ownerId: before.owner_id })) throw forbidden('Only its owner changes a report');
    await repo.updateSaved(trx, id, {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      ...(body.definition !== undefined ? { definition: body.definition } : {}),
      ...(body.shared !== undefined ? { shared: body.shared } : {}),
      at: deps.clock.now(),
    });
    const after = (await repo.findSaved(trx, id)) as repo.SavedRow;
    await recordAudit(trx, ctx, {
      action: 'report.updated',
      entityType: 'saved_report',
      entityId: id,
      before: { name: before.name, shared: before.shared, definition: before.definition },
      after: { name: after.name, shared: after.shared, definition: after.definition },
    });
    return toSaved(after, ctx.actor);
  });
}

export async function deleteSaved(deps: Deps, ctx: RequestContext, id: string) {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findVisibleSaved(trx, ctx.actor, id);
    if (!before) throw notFound('report');
    if (!mayManageKept(ctx.actor, { ownerId: before.owner_id })) throw forbidden('Only its owner deletes a report');
    await repo.deleteSaved(trx, id);
    await recordAudit(trx, ctx, {
      action: 'report.deleted',
      entityType: 'saved_report',
      entityId: id,
      before: { name: before.name, shared: before.shared },
    });
  });
}
