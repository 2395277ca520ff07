/**
 * The public face of the webhooks module: its job kinds and the event types it offers, for the composition
 * root. Its routes are wired in by the composition root too (webhooks.routes.ts). Events need no call from
 * other modules: the triggers of migration 0021 capture them in the transaction of each change.
 */
export { eventTypes } from './webhooks.events.ts';
export { setEndpointEnabled, webhookConnections } from './webhooks.integration.ts';
export { webhooksJobs } from './webhooks.jobs.ts';
