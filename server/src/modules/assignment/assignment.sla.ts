import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { recordAudit } from '../audit/index.ts';
import { findLead, leadSnapshot } from '../leads/index.ts';

import { notify } from '../notifications/index.ts';
import { type RoutingDecision, recordAssignment, tryRule } from './assignment.engine.ts';
import type { SlaPayload } from './assignment.jobs.ts';
import * as repo from './assignment.repository.ts';
import { strategyLabels } from './assignment.strategies.ts';

/**
 * The response-SLA check of one assignment, due `sla_minutes` after it. Nothing happens when the lead was
 * worked since (any touch: an edit, a stage move, a note, an activity) or changed hands. Otherwise the lead
 * goes to the next eligible candidate of the same rule, the previous owner's manager and the new owner are
 * told, and the new assignment gets its own SLA check.
 */
export async function checkResponseSla(trx: Tx, deps: Deps, job: Job<Static<typeof SlaPayload>>): Promise<void> {
  const { leadId, assignmentId } = job.payload;
  const assignment = await repo.findAssignment(trx, assignmentId);
  const lead = await repo.lockLead(trx, leadId);
  if (!assignment?.owner_id || !lead || lead.owner_id !== assignment.owner_id) return;
  if (new Date(lead.last_touched_at).getTime() > new Date(assignment.at).getTime()) return;

  const now = deps.clock.now();
  const ownerId = assignment.owner_id;
  const [previous] = await repo.usersByIds(trx, [ownerId]);
  const missedMinutes = assignment.sla_due_at
    ? Math.round((new Date(assignment.sla_due_at).getTime() - new Date(assignment.at).getTime()) / 60_000)
    : null;
  const missed = `${previous?.name ?? 'The owner'} did not respond within ${missedMinutes ?? '?'} minutes`;
  const rule = assignment.rule_id ? await repo.findRule(trx, assignment.rule_id) : undefined;
  const attempt = rule?.active ? await tryRule(trx, rule, now, { preview: false, exclude: new Set([ownerId]) }) : null;

  const before = await findLead(trx, leadId);
  let decision: RoutingDecision;
  if (rule && attempt?.ownerId) {
    await repo.setLeadOwner(trx, leadId, attempt.ownerId, now);
    decision = {
      ownerId: attempt.ownerId,
      reason: 'sla',
      ruleId: rule.id,
      ruleName: rule.name,
      strategy: rule.strategy,
      slaMinutes: rule.sla_minutes,
      candidates: attempt.candidates,
      detail: `Response SLA missed: ${missed}. Rule "${rule.name}" chose ${attempt.ownerName} by ${strategyLabels[rule.strategy] ?? rule.strategy} (${attempt.because})`,
    };
  } else {
    const why = !rule
      ? 'its rule no longer exists'
      : !rule.active
        ? `rule "${rule.name}" is switched off`
        : `rule "${rule.name}" has no other eligible candidate`;
    decision = {
      ownerId,
      reason: 'sla',
      ruleId: rule?.id ?? null,
      ruleName: rule?.name ?? assignment.rule_name,
      strategy: rule?.strategy ?? assignment.strategy,
      slaMinutes: null,
      candidates: attempt?.candidates ?? [],
      detail: `Response SLA missed: ${missed}. The lead stays with ${previous?.name ?? 'its owner'}: ${why}`,
    };
  }
  await recordAssignment(trx, deps, {
    companyId: job.companyId,
    leadId,
    byUserId: null,
    channel: 'system',
    previousOwnerId: ownerId,
    decision,
    now,
  });
  const after = await findLead(trx, leadId);
  await recordAudit(trx, jobContext(job), {
    action: decision.ownerId === ownerId ? 'lead.sla_missed' : 'lead.sla_reassigned',
    entityType: 'lead',
    entityId: leadId,
    before: before ? leadSnapshot(before) : null,
    after: after ? leadSnapshot(after) : null,
  });
  if (previous?.manager_id) {
    await notify(trx, {
      companyId: job.companyId,
      userId: previous.manager_id,
      kind: 'lead.sla_missed',
      title: `Response SLA missed: ${lead.name}`,
      body:
        decision.ownerId === ownerId
          ? `${missed}; nobody else could take it, so it stays with them.`
          : `${missed}; reassigned to ${attempt?.ownerName}.`,
      leadId,
      now,
    });
  }
}
