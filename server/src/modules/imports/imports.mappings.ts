import type { Static } from 'typebox';
import { mayManageKept } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './imports.repository.ts';
import type { Mapping, SavedMapping } from './imports.schemas.ts';

function toSaved(row: repo.MappingRow): Static<typeof SavedMapping> {
  return {
    id: row.id,
    name: row.name,
    mapping: row.mapping as Mapping,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Saved mappings are the company's: whoever imports may reuse any of them. */
export async function listMappings(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: (await repo.listMappings(trx)).map(toSaved),
  }));
}

export async function saveMappingInTx(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  input: { name: string; mapping: Mapping },
): Promise<Static<typeof SavedMapping>> {
  const name = input.name.trim();
  if (!name) {
    throw new AppError('validation_failed', 'The name is blank', {
      errors: [{ path: 'name', message: 'must not be blank' }],
    });
  }
  if (await repo.mappingNamed(trx, name)) {
    throw new AppError('conflict', `A saved mapping is already called "${name}"`, {
      errors: [{ path: 'name', message: 'is already the name of a saved mapping' }],
    });
  }
  const id = newId();
  const now = deps.clock.now();
  await repo.insertMapping(trx, {
    company_id: ctx.actor.companyId,
    id,
    name,
    mapping: input.mapping,
    created_by: ctx.actor.userId,
    now,
  });
  await recordAudit(trx, ctx, {
    action: 'import_mapping.created',
    entityType: 'import_mapping',
    entityId: id,
    after: { name, columns: Object.keys(input.mapping.columns).length },
    at: now,
  });
  const row = await repo.findMapping(trx, id);
  if (!row) throw new Error('mapping vanished after insert');
  return toSaved(row);
}

export async function saveMapping(deps: Deps, ctx: RequestContext, input: { name: string; mapping: Mapping }) {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => saveMappingInTx(trx, deps, ctx, input));
}

/** Its creator or an admin removes a saved mapping; imports that used it keep their own copy. */
export async function deleteMapping(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findMapping(trx, id);
    if (!row) throw notFound('saved mapping');
    if (!mayManageKept(ctx.actor, { ownerId: row.created_by })) {
      throw new AppError('forbidden', 'Only its creator or an admin may delete a saved mapping');
    }
    await repo.deleteMapping(trx, id);
    await recordAudit(trx, ctx, {
      action: 'import_mapping.deleted',
      entityType: 'import_mapping',
      entityId: id,
      before: { name: row.name },
      at: deps.clock.now(),
    });
  });
}
