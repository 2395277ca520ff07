/**
 * The leads module's second public face: the SQL predicates that decide which leads an actor sees and may
 * change, and which are still in use. Modules below leads in the dependency order (assignment counts an owner's
 * open leads, audit names the leads a reader may see) take them from here: this file depends on no lead service,
 * so reading it cannot pull the lead write path (which itself uses those modules) into an import cycle.
 */
export { leadChangeableBy, leadIsLive, leadVisibleTo, visibilityByOwner } from './leads.visibility.ts';
