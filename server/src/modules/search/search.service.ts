import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { listLeads } from '../leads/index.ts';
import { can, listUsers, roleMatrix } from '../users/index.ts';

export interface SearchHitDto {
  type: 'lead' | 'user';
  id: string;
  title: string;
  subtitle: string | null;
}

/**
 * The header's search: the caller's leads (the lead list's search, so the same visibility, typo tolerance and
 * field permissions) and the users it may see (GET /users' scope), the best few of each. A role that may read
 * only one of them searches that one.
 */
export async function globalSearch(
  deps: Deps,
  ctx: RequestContext,
  input: { q: string; limit?: number | undefined },
): Promise<{ data: SearchHitDto[] }> {
  const role = ctx.actor.role;
  const readsLeads = can(role, 'leads:read');
  const readsUsers = can(role, 'users:read');
  if (!readsLeads && !readsUsers) {
    throw new AppError('forbidden', `Your role (${role}) lacks the permissions leads:read and users:read`);
  }
  const q = input.q.trim();
  if (!q) return { data: [] };
  const limit = input.limit ?? 5;
  const [leads, users] = await Promise.all([
    readsLeads ? listLeads(deps, ctx, { q, limit }) : null,
    readsUsers ? listUsers(deps, ctx, { q, limit }) : null,
  ]);
  const data: SearchHitDto[] = [];
  for (const lead of leads?.data ?? []) {
    // The lead's DTO holds only the fields the role may see: a hidden company or email is absent.
    const company = typeof lead.companyName === 'string' ? lead.companyName : null;
    const email = Array.isArray(lead.emails) && typeof lead.emails[0] === 'string' ? lead.emails[0] : null;
    data.push({ type: 'lead', id: lead.id, title: lead.name, subtitle: company || email });
  }
  for (const user of users?.data ?? []) {
    data.push({
      type: 'user',
      id: user.id,
      title: user.name,
      subtitle: `${roleMatrix[user.role].label} · ${user.email}`,
    });
  }
  return { data };
}
