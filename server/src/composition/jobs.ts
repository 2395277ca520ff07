import { createJobRegistry } from '../jobs/registry.ts';
import { activitiesJobs } from '../modules/activities/activities.jobs.ts';
import { assignmentJobs } from '../modules/assignment/assignment.jobs.ts';
import { bulkActionsJobs } from '../modules/bulk-actions/bulk-actions.jobs.ts';
import { duplicatesJobs } from '../modules/duplicates/duplicates.jobs.ts';
import { emailJobs } from '../modules/email/email.jobs.ts';
import { importsJobs } from '../modules/imports/imports.jobs.ts';
import { trashJobs } from '../modules/trash/trash.jobs.ts';
import { whatsappJobs } from '../modules/whatsapp/whatsapp.jobs.ts';

/**
 * Every kind of job, as each module declares them beside its service (`<domain>.jobs.ts`). A module adding a
 * kind adds it to its own list; a new module adds its list here.
 */
export const jobRegistry = createJobRegistry([
  ...activitiesJobs,
  ...assignmentJobs,
  ...bulkActionsJobs,
  ...duplicatesJobs,
  ...emailJobs,
  ...importsJobs,
  ...trashJobs,
  ...whatsappJobs,
]);
