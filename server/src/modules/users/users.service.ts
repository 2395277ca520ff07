import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, forbidden, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { hashPassword, passwordProblem, revokeUserSessions } from '../auth/index.ts';

import { findPartner } from '../partners/index.ts';
import { assignableRoles, type Role, requiredManagerRole, roleMatrix } from './roles.ts';
import * as repo from './users.repository.ts';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findUser>>>;

export function toUser(row: Row) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    managerId: row.manager_id,
    managerName: row.manager_name,
    partnerId: row.partner_id,
    partnerName: row.partner_name,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    deactivatedAt: row.deactivated_at ? new Date(row.deactivated_at).toISOString() : null,
  };
}
export type UserDto = ReturnType<typeof toUser>;

function snapshot(row: Row) {
  return {
    name: row.name,
    email: row.email,
    role: row.role,
    managerId: row.manager_id,
    partnerId: row.partner_id,
    active: row.active,
  };
}

export interface ListQuery {
  role?: Role;
  managerId?: string;
  active?: boolean;
  q?: string;
  limit: number;
  cursor?: string;
}

export async function listUsers(deps: Deps, ctx: RequestContext, query: ListQuery) {
  const after = decodeCursor(query.cursor, ['string', 'uuid']);
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    repo.listUsers(trx, ctx.actor, { ...query, q: query.q?.trim() || undefined, after }),
  );
  const page = toPage(rows, query.limit, (r) => [r.sort_name, r.id]);
  return { data: page.data.map(toUser), nextCursor: page.nextCursor };
}

export async function getUser(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.findVisibleUser(trx, ctx.actor, id));
  if (!row) throw notFound('user');
  return toUser(row);
}

export async function getTeam(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!(await repo.findVisibleUser(trx, ctx.actor, id))) throw notFound('user');
    return { data: (await repo.listTeam(trx, ctx.actor, id)).map(toUser) };
  });
}

/** A user the actor may manage: visible to it, and (for a manager) a field role inside its subtree. */
async function manageable(trx: Tx, ctx: RequestContext, id: string): Promise<Row> {
  const row = await repo.findVisibleUser(trx, ctx.actor, id);
  if (!row) throw notFound('user');
  if (ctx.actor.role !== 'ADMIN' && !assignableRoles(ctx.actor.role).includes(row.role as Role)) {
    throw forbidden(
      `A ${roleMatrix[ctx.actor.role].label.toLowerCase()} cannot manage ${roleMatrix[row.role as Role].label.toLowerCase()} users`,
    );
  }
  return row;
}

/** The hierarchy rules: who may report to whom, no cycles, and reach limits for managers. */
async function checkReportingLine(
  trx: Tx,
  ctx: RequestContext,
  userId: string | null,
  role: Role,
  managerId: string | null,
) {
  const required = requiredManagerRole[role];
  if (managerId === null) {
    if (required) {
      throw fieldError(
        'hierarchy_violation',
        'managerId',
        `A ${roleMatrix[role].label.toLowerCase()} must report to a ${roleMatrix[required].label.toLowerCase()}`,
      );
    }
    return;
  }
  const manager = await repo.findUser(trx, managerId);
  if (!manager) throw fieldError('hierarchy_violation', 'managerId', 'No such user in this company');
  if (!manager.active) throw fieldError('hierarchy_violation', 'managerId', 'Cannot report to a deactivated user');
  if (required && manager.role !== required) {
    throw fieldError(
      'hierarchy_violation',
      'managerId',
      `A ${roleMatrix[role].label.toLowerCase()} must report to a ${roleMatrix[required].label.toLowerCase()}`,
    );
  }
  if (userId !== null && (managerId === userId || (await repo.isInSubtree(trx, userId, managerId)))) {
    throw fieldError(
      'hierarchy_violation',
      'managerId',
      'A user cannot report to itself or to someone who reports to it',
    );
  }
  if (ctx.actor.role === 'MANAGER' && !(await repo.isInSubtree(trx, ctx.actor.userId, managerId))) {
    throw fieldError('hierarchy_violation', 'managerId', 'The manager must be you or someone in your team');
  }
}

/** Changing a role must not strand the people reporting to that user. */
async function checkReportsStillValid(trx: Tx, userId: string, newRole: Role) {
  for (const reportRole of await repo.directReportRoles(trx, userId)) {
    const required = requiredManagerRole[reportRole];
    if (required && required !== newRole) {
      throw fieldError(
        'hierarchy_violation',
        'role',
        `This user has ${roleMatrix[reportRole].label.toLowerCase()}s reporting to it, who must report to a ${roleMatrix[required].label.toLowerCase()}; move them first`,
      );
    }
  }
}

/** A PARTNER user belongs to exactly one active partner organisation; no other role belongs to one. */
async function checkPartner(trx: Tx, role: Role, partnerId: string | null, changed: boolean) {
  if (role !== 'PARTNER') {
    if (partnerId !== null) {
      throw fieldError('unprocessable', 'partnerId', 'only a partner user belongs to a partner organisation');
    }
    return;
  }
  if (partnerId === null) {
    throw fieldError('unprocessable', 'partnerId', 'is required: a partner user belongs to a partner organisation');
  }
  if (!changed) return;
  const partner = await findPartner(trx, partnerId);
  if (!partner?.active) throw fieldError('unprocessable', 'partnerId', 'is not an active partner of this company');
}

function checkAssignable(ctx: RequestContext, role: Role) {
  if (!assignableRoles(ctx.actor.role).includes(role)) {
    throw forbidden(`You cannot give the role ${role}`);
  }
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  managerId?: string | null;
  partnerId?: string | null;
  password: string;
}

export async function createUser(deps: Deps, ctx: RequestContext, input: CreateUserInput): Promise<UserDto> {
  checkAssignable(ctx, input.role);
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!name) throw fieldError('validation_failed', 'name', 'must not be blank');
  const weak = passwordProblem(input.password, 'password');
  if (weak) throw weak;
  const passwordHash = await hashPassword(input.password);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await checkReportingLine(trx, ctx, null, input.role, input.managerId ?? null);
    await checkPartner(trx, input.role, input.partnerId ?? null, true);
    if (await repo.emailTaken(trx, email)) throw fieldError('email_taken', 'email', 'is already in use');
    const id = newId();
    try {
      await repo.insertUser(trx, {
        companyId: ctx.actor.companyId,
        id,
        email,
        name,
        role: input.role,
        managerId: input.managerId ?? null,
        partnerId: input.partnerId ?? null,
        passwordHash,
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw fieldError('email_taken', 'email', 'is already in use');
      throw error;
    }
    const row = await repo.findUser(trx, id);
    if (!row) throw new Error('user vanished after insert');
    await recordAudit(trx, ctx, {
      action: 'user.created',
      entityType: 'user',
      entityId: id,
      before: null,
      after: snapshot(row),
    });
    return toUser(row);
  });
}

export interface UpdateUserInput {
  name?: string;
  role?: Role;
  managerId?: string | null;
  partnerId?: string | null;
}

export async function updateUser(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: UpdateUserInput,
): Promise<UserDto> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await manageable(trx, ctx, id);
    const changes: { name?: string; role?: Role; manager_id?: string | null; partner_id?: string | null } = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw fieldError('validation_failed', 'name', 'must not be blank');
      changes.name = name;
    }
    const role = input.role ?? (before.role as Role);
    const managerId = input.managerId !== undefined ? input.managerId : before.manager_id;
    if (input.role !== undefined && input.role !== before.role) {
      if (id === ctx.actor.userId) throw fieldError('unprocessable', 'role', 'You cannot change your own role');
      checkAssignable(ctx, input.role);
      await checkReportsStillValid(trx, id, input.role);
      changes.role = input.role;
    }
    if (input.role !== undefined || input.managerId !== undefined) {
      await checkReportingLine(trx, ctx, id, role, managerId);
      changes.manager_id = managerId;
    }
    if (input.role !== undefined || input.partnerId !== undefined) {
      // Leaving the PARTNER role takes the user out of its organisation.
      const partnerId = input.partnerId !== undefined ? input.partnerId : role === 'PARTNER' ? before.partner_id : null;
      await checkPartner(trx, role, partnerId, partnerId !== before.partner_id);
      changes.partner_id = partnerId;
    }
    const changed =
      (changes.name !== undefined && changes.name !== before.name) ||
      (changes.role !== undefined && changes.role !== before.role) ||
      (changes.manager_id !== undefined && changes.manager_id !== before.manager_id) ||
      (changes.partner_id !== undefined && changes.partner_id !== before.partner_id);
    // An edit that changes nothing writes nothing: no new timestamp, no empty audit row.
    if (!changed) return toUser(before);
    await repo.updateUser(trx, id, changes, deps.clock.now());
    await deps.sessions.changed(trx, { user: id });
    const after = await repo.findUser(trx, id);
    if (!after) throw notFound('user');
    await recordAudit(trx, ctx, {
      action: 'user.updated',
      entityType: 'user',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return toUser(after);
  });
}

/** Deactivation ends the user's sessions and API keys at once; users are never deleted. */
export async function setActive(deps: Deps, ctx: RequestContext, id: string, active: boolean): Promise<UserDto> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await manageable(trx, ctx, id);
    if (id === ctx.actor.userId) throw new AppError('unprocessable', 'You cannot deactivate or reactivate yourself');
    const now = deps.clock.now();
    if (before.active !== active) {
      await repo.updateUser(trx, id, { active, deactivated_at: active ? null : now }, now);
      await deps.sessions.changed(trx, { user: id });
      if (!active) {
        await revokeUserSessions(trx, id, 'user_deactivated', now);
        await repo.revokeApiKeysOf(trx, id, now);
      }
      const after = await repo.findUser(trx, id);
      if (!after) throw notFound('user');
      await recordAudit(trx, ctx, {
        action: active ? 'user.reactivated' : 'user.deactivated',
        entityType: 'user',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return toUser(after);
    }
    return toUser(before);
  });
}
