/**
 * The public face of the tickets module: what other modules may use. The composition root wires its routes
 * (tickets.routes.ts) and jobs; the timeline shows a lead's tickets through `ticketTimelineSource`.
 */

export { ticketsJobs } from './tickets.jobs.ts';
export { mayWriteTickets, ticketAllowed, ticketVisibleTo } from './tickets.policy.ts';
export { ticketTimelineSource } from './tickets.timeline.ts';
