/**
 * The public face of the whatsapp module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { seedDemoWhatsapp } from './whatsapp.demo.ts';
export { whatsappConnections } from './whatsapp.integration.ts';
export { whatsappJobs } from './whatsapp.jobs.ts';
export type { WhatsappSignal } from './whatsapp.signals.ts';
export { whatsappSignals } from './whatsapp.signals.ts';
export { whatsappTimelineSource } from './whatsapp.timeline.ts';
