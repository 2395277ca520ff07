/**
 * The tickets module's second public face: which tickets an actor sees and may reply to. Modules that hang
 * records on a ticket (files) ask it here; this file depends on no ticket service, so reading it cannot pull the
 * tickets module (which may itself use those modules) into an import cycle.
 */
export { mayWriteTickets, ticketAllowed } from './tickets.policy.ts';
