import type { Actor } from '../http/context.ts';
import { can } from '../modules/users/roles.ts';

/**
 * "May this actor see or change this record", answered here for the records a person keeps for itself: saved
 * views, notes, saved import mappings, bulk actions, personal email templates and API keys. Leads answer it with
 * their own visibility predicate (`leadVisibleTo` in the leads module), which every lead query and sub-route
 * uses. Services ask these rules; they never compare roles and owners themselves.
 */

/** A record someone keeps: its author or owner (null when its author was removed). */
export interface Kept {
  ownerId: string | null;
}

/** Its owner, or an admin of the company (who looks after everything in it). */
export function mayManageKept(actor: Actor, record: Kept): boolean {
  return record.ownerId === actor.userId || actor.role === 'ADMIN';
}

/**
 * Whose kept records a list shows: everyone's for an admin (null), else the actor's own. A list query filters
 * by this; a record outside it answers 404, like a record of another company.
 */
export function keptScope(actor: Actor): string | null {
  return actor.role === 'ADMIN' ? null : actor.userId;
}

/** A shared record (a shared view) is seen by everyone of the company; a private one as a kept record. */
export function maySeeShared(actor: Actor, record: Kept & { shared: boolean }): boolean {
  return record.shared || mayManageKept(actor, record);
}

/** Email templates: a personal one is its owner's alone; company ones are kept by those with email:templates. */
export function mayManageTemplate(actor: Actor, template: Kept & { personal: boolean }): boolean {
  return template.personal ? template.ownerId === actor.userId : can(actor.role, 'email:templates');
}
