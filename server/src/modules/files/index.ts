/**
 * The public face of the files module. The composition root wires its routes (files.routes.ts, folders.routes.ts)
 * into the app; other modules (tickets, email, WhatsApp) attach files through what is exported here.
 */

export { type AttachedFile, attachedFiles } from './files.attached.ts';
export { attachToTicket, type IntakeResult } from './files.intake.ts';
export { filesJobs } from './files.jobs.ts';
export type { FileStorage, StorageDriver } from './files.storage.ts';
export { storagesFor } from './files.storage.ts';
