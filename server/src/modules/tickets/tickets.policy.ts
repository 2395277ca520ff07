import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadIsLive, leadVisibleTo } from '../leads/scope.ts';
import { can } from '../users/index.ts';

/**
 * Which tickets an actor sees, in one place, on the alias `t`:
 * - ADMIN and CUSTOMER_SUCCESS: every ticket;
 * - anyone else: the tickets of leads they can see (the leads module's one visibility predicate, live leads
 *   only): a salesperson its own leads', a partner its partner's leads', a guest (read only, by permission) all
 *   with a lead;
 * - tickets with no lead: ADMIN, CUSTOMER_SUCCESS and MANAGER only.
 * Writing needs `tickets:write` besides (GUEST and PARTNER have only `tickets:read`). A ticket outside this
 * predicate answers 404, so its existence is not disclosed.
 */
export function ticketVisibleTo(actor: Actor): Expression<SqlBool> {
  if (seesAllTickets(actor)) return sql<SqlBool>`true`;
  const viaLead = sql<SqlBool>`(t.lead_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM leads l WHERE l.id = t.lead_id AND ${leadIsLive} AND ${leadVisibleTo(actor)}))`;
  if (seesTicketsWithoutLead(actor)) return sql<SqlBool>`(t.lead_id IS NULL OR ${viaLead})`;
  return viaLead;
}

export function seesAllTickets(actor: Actor): boolean {
  return actor.role === 'ADMIN' || actor.role === 'CUSTOMER_SUCCESS';
}

/** Who sees (and so may raise) a ticket that names no lead. */
export function seesTicketsWithoutLead(actor: Actor): boolean {
  return seesAllTickets(actor) || actor.role === 'MANAGER';
}

/** Whether the actor may reply to (and so change) the tickets it sees: `tickets:write`. */
export function mayWriteTickets(actor: Actor): boolean {
  return can(actor.role, 'tickets:write');
}

/**
 * Whether the actor sees the ticket `id` (`reply`: and may reply to it). What other modules ask before
 * attaching something to a ticket or showing what is attached to it; false for another company's ticket too.
 */
export async function ticketAllowed(trx: Tx, actor: Actor, id: string, reply: boolean): Promise<boolean> {
  if (reply && !mayWriteTickets(actor)) return false;
  const row = await trx
    .selectFrom('tickets as t')
    .select('t.id')
    .where('t.id', '=', id)
    .where(ticketVisibleTo(actor))
    .executeTakeFirst();
  return row !== undefined;
}
