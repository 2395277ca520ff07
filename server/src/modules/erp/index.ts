/**
 * The public face of the ERP module: the composition root wires its routes (erp.routes.ts) and jobs; the
 * timeline shows invoices and payments; the integrations home lists the connections.
 */
export { erpConnections } from './erp.integration.ts';
export { erpJobs } from './erp.jobs.ts';
export { type LeadRevenueDay, leadRevenueDays } from './erp.revenue.ts';
export { setErpPaused } from './erp.service.ts';
export { erpTimelineSource } from './erp.timeline.ts';
