/**
 * The public face of the files module. The composition root wires its routes (files.routes.ts, folders.routes.ts)
 * into the app; other modules (tickets, email, WhatsApp) will attach files through what is exported here.
 */

export { filesJobs } from './files.jobs.ts';
export type { FileStorage, StorageDriver } from './files.storage.ts';
export { storagesFor } from './files.storage.ts';
