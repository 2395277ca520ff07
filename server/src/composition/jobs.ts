import { createJobRegistry } from '../jobs/registry.ts';
import { activitiesJobs } from '../modules/activities/index.ts';
import { analyticsJobs } from '../modules/analytics/index.ts';
import { assignmentJobs } from '../modules/assignment/index.ts';
import { bulkActionsJobs } from '../modules/bulk-actions/index.ts';
import { customerValueJobs } from '../modules/customer-value/index.ts';
import { duplicatesJobs } from '../modules/duplicates/index.ts';
import { emailJobs } from '../modules/email/index.ts';
import { erpJobs } from '../modules/erp/index.ts';
import { extractorJobs } from '../modules/extractor/index.ts';
import { facebookJobs } from '../modules/facebook/index.ts';
import { filesJobs } from '../modules/files/index.ts';
import { forecastsJobs } from '../modules/forecasts/index.ts';
import { importsJobs } from '../modules/imports/index.ts';
import { recommendationsJobs } from '../modules/recommendations/index.ts';
import { reportSchedulesJobs } from '../modules/report-schedules/index.ts';
import { riskJobs } from '../modules/risk/index.ts';
import { scoringJobs } from '../modules/scoring/index.ts';
import { ticketsJobs } from '../modules/tickets/index.ts';
import { trashJobs } from '../modules/trash/index.ts';
import { webhooksJobs } from '../modules/webhooks/index.ts';
import { whatsappJobs } from '../modules/whatsapp/index.ts';

/**
 * Every kind of job, as each module declares them beside its service (`<domain>.jobs.ts`). A module adding a
 * kind adds it to its own list; a new module adds its list here.
 */
export const jobRegistry = createJobRegistry([
  ...activitiesJobs,
  ...analyticsJobs,
  ...assignmentJobs,
  ...bulkActionsJobs,
  ...customerValueJobs,
  ...duplicatesJobs,
  ...emailJobs,
  ...facebookJobs,
  ...forecastsJobs,
  ...extractorJobs,
  ...erpJobs,
  ...filesJobs,
  ...importsJobs,
  ...reportSchedulesJobs,
  ...recommendationsJobs,
  ...riskJobs,
  ...scoringJobs,
  ...ticketsJobs,
  ...trashJobs,
  ...webhooksJobs,
  ...whatsappJobs,
]);
