/**
 * The public face of the email module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { seedDemoEmails } from './email.demo.ts';
export { emailConnections } from './email.integration.ts';
export { emailJobs } from './email.jobs.ts';
export type { SystemEmail } from './email.outbox.ts';
export { enqueueSystemEmail } from './email.outbox.ts';
export { loadServer } from './email.settings.ts';
export type { EmailSignal } from './email.signals.ts';
export { emailSignals } from './email.signals.ts';
export type { MailAttachment } from './email.smtp.ts';
export { messageIdFor, sendMail } from './email.smtp.ts';
export { emailEventSource, emailSource } from './email.timeline.ts';
