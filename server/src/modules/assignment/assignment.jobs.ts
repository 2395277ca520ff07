import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

export const SLA_JOB = 'lead.sla';

export const SlaPayload = Type.Object(
  { leadId: Type.String({ format: 'uuid' }), assignmentId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** The response-SLA check of one assignment, due `sla_minutes` after it. */
export const slaJob = defineJob({
  kind: SLA_JOB,
  payload: SlaPayload,
  handler: async (trx, deps, job) => (await import('./assignment.sla.ts')).checkResponseSla(trx, deps, job),
});

export const assignmentJobs = [slaJob];
