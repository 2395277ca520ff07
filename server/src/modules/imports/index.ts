/**
 * The public face of the imports module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { importsJobs } from './imports.jobs.ts';
/** How an uploaded or fetched sheet is read: its header row's column names, and a cell as text. */
export { cellText, cleanHeaders } from './imports.parse.ts';
