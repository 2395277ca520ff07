import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { loadDuplicateSettings } from '../duplicates/index.ts';
import { loadWriteContext } from '../leads/commands.ts';
import { can, type Role } from '../users/index.ts';
import type { DuplicatePolicy, EvaluateEnv, SourceRow } from './imports.evaluate.ts';
import { compileMapping } from './imports.mapping.ts';
import type { ImportRow, StoredChunk } from './imports.repository.ts';
import type { Mapping } from './imports.schemas.ts';
import { type SuggestContext, suggestMapping } from './imports.suggest.ts';
import { localeFormats } from './imports.values.ts';

/**
 * Everything reading the rows needs, loaded once: the caller's field access and the company's custom fields,
 * stages, locale, people and duplicate settings; the mapping checked against the file and the caller.
 */
export async function loadEnv(
  trx: Tx,
  ctx: RequestContext,
  imp: ImportRow,
  mapping: Mapping,
  onDuplicate: string | null | undefined,
  now: Date,
  base = 'mapping',
): Promise<EvaluateEnv> {
  const [wctx, company, users, settings] = await Promise.all([
    loadWriteContext(trx, ctx),
    trx.selectFrom('companies').select(['locale', 'timezone']).executeTakeFirstOrThrow(),
    trx.selectFrom('users').select(['id', 'name', 'email', 'active']).execute(),
    loadDuplicateSettings(trx),
  ]);
  const formats = localeFormats(company.locale);
  const compiled = compileMapping(
    mapping,
    imp.headers,
    {
      access: wctx.input.access,
      canAssign: can(ctx.actor.role, 'leads:assign'),
      customDefs: wctx.input.customDefs,
      stages: wctx.stages,
      dateOrder: formats.dateOrder,
    },
    base,
  );
  const policy = (onDuplicate ?? settings.policies.import) as DuplicatePolicy;
  return {
    compiled,
    input: wctx.input,
    stages: wctx.stages,
    users: users.map((u) => ({ ...u, email: String(u.email) })),
    decimal: formats.decimal,
    timeZone: company.timezone,
    now,
    ctx,
    settings,
    policy,
    owners: new Map(),
  };
}

/**
 * onDuplicate=create where the company blocks duplicates needs duplicates:override (as on POST /leads); merge
 * needs leads:write. Checked when the import is dry-run or started, not per row.
 */
export async function checkOnDuplicate(trx: Tx, role: Role, onDuplicate: string | null | undefined): Promise<void> {
  if (onDuplicate === 'create') {
    const settings = await loadDuplicateSettings(trx);
    if (settings.policies.import === 'block' && !can(role, 'duplicates:override')) {
      throw new AppError(
        'forbidden',
        'Creating leads the company blocks as duplicates needs the permission duplicates:override',
        {
          errors: [{ path: 'onDuplicate', message: 'your role may not override the duplicate policy' }],
        },
      );
    }
  }
  if (onDuplicate === 'merge' && !can(role, 'leads:write')) {
    throw new AppError('forbidden', 'Merging into existing leads needs the permission leads:write', {
      errors: [{ path: 'onDuplicate', message: 'your role may not change leads' }],
    });
  }
}

/** The people, stages and custom fields a suggested mapping is made from. */
export async function suggestContext(trx: Tx): Promise<SuggestContext> {
  const [customFields, stages, users] = await Promise.all([
    trx.selectFrom('custom_fields').select(['key', 'label']).where('active', '=', true).execute(),
    trx.selectFrom('pipeline_stages').select(['key', 'name', 'kind']).orderBy('position').execute(),
    trx.selectFrom('users').select(['id', 'name', 'email', 'active']).execute(),
  ]);
  return { customFields, stages, users: users.map((u) => ({ ...u, email: String(u.email) })) };
}

export async function suggestionFor(trx: Tx, imp: ImportRow): Promise<Mapping> {
  return suggestMapping(
    imp.headers,
    (imp.column_values ?? {}) as Record<string, string[] | null>,
    await suggestContext(trx),
  );
}

/** The mapping an action uses: the one it sends, a saved one it names, the import's own, else the suggestion. */
export async function mappingFor(
  trx: Tx,
  imp: ImportRow,
  given: { mapping?: Mapping | undefined; mappingId?: string | undefined },
): Promise<{ mapping: Mapping; mappingId: string | null }> {
  if (given.mapping) return { mapping: given.mapping, mappingId: null };
  if (given.mappingId) {
    const saved = await trx
      .selectFrom('import_mappings')
      .selectAll()
      .where('id', '=', given.mappingId)
      .executeTakeFirst();
    if (!saved) {
      throw new AppError('validation_failed', 'No saved mapping has that id', {
        errors: [{ path: 'mappingId', message: 'is not a saved mapping of this company' }],
      });
    }
    return { mapping: saved.mapping as Mapping, mappingId: saved.id };
  }
  if (imp.mapping) return { mapping: imp.mapping as Mapping, mappingId: imp.mapping_id };
  return { mapping: await suggestionFor(trx, imp), mappingId: null };
}

/** A stored chunk's rows as the evaluation reads them. */
export function sourceRows(chunk: StoredChunk): SourceRow[] {
  return chunk.rows.map((cells, i) => {
    const error = chunk.parse_errors[String(i)];
    return { row: chunk.numbers[i] ?? chunk.first_row + i, cells, ...(error ? { error } : {}) };
  });
}

/** The person an import acts as when its chunks run: its creator as it is now (role, manager, still active). */
export async function importerContext(
  trx: Tx,
  imp: ImportRow,
  userId: string,
  requestId: string,
): Promise<RequestContext> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'manager_id', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user?.active) throw new AppError('unprocessable', 'The person who started this is no longer an active user');
  if (!can(user.role, 'leads:import')) {
    throw new AppError('forbidden', `The role of ${user.name} (${user.role}) may no longer import leads`);
  }
  return {
    actor: {
      userId: user.id,
      companyId: imp.company_id,
      role: user.role,
      name: user.name,
      email: String(user.email),
      managerId: user.manager_id,
      sessionId: null,
      apiKeyId: userId === imp.created_by ? imp.api_key_id : null,
    },
    requestId,
    ip: '',
    userAgent: null,
  };
}
