/**
 * The public face of the customer-value module: its job kinds (the daily and on-demand refresh of
 * customer_values, the table reports read), collected by the composition root, which also wires its routes
 * (customer-value.routes.ts) into the app.
 */
export { customerValueJobs } from './customer-value.jobs.ts';
