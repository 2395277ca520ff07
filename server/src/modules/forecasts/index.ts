/**
 * The public face of the forecasts module: its jobs, for the composition root's registry (which also wires its
 * routes, forecasts.routes.ts, into the app). No other module uses it.
 */
export { forecastsJobs } from './forecasts.jobs.ts';
