import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { type ConnectionReport, isoOf } from '../../lib/connections.ts';
import { updateForm } from './forms.service.ts';

/**
 * The web forms as the integrations home shows them: active is connected, inactive is paused (its submit URL
 * answers 404). Counts and last success come from the leads created through web forms with the form's source and creator;
 * forms sharing both share those figures.
 */
export async function formConnections(trx: Tx, since: Date): Promise<ConnectionReport[]> {
  const rows = await trx
    .selectFrom('web_forms as f')
    .select([
      'f.id',
      'f.name',
      'f.active',
      'f.source',
      (eb) =>
        eb
          .selectFrom('leads as l')
          .select(sql<Date | null>`max(l.created_at)`.as('at'))
          .where('l.created_via', '=', 'web_form')
          .whereRef('l.created_by', '=', 'f.created_by')
          .whereRef('l.source', '=', 'f.source')
          .as('last_at'),
      (eb) =>
        eb
          .selectFrom('leads as l')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('l.created_via', '=', 'web_form')
          .whereRef('l.created_by', '=', 'f.created_by')
          .whereRef('l.source', '=', 'f.source')
          .where('l.created_at', '>=', since)
          .as('submissions'),
    ])
    .orderBy('f.created_at')
    .execute();
  return rows.map((row) => ({
    kind: 'web_form' as const,
    id: row.id,
    name: row.name,
    status: row.active ? 'connected' : 'paused',
    statusReason: row.active ? null : 'inactive: its submit URL answers 404',
    lastSuccessAt: isoOf(row.last_at),
    lastError: null,
    today: { leadsCreated: Number(row.submissions ?? 0) },
    pausable: true,
  }));
}

/** Pauses (deactivates) or resumes a form, as PATCH active does: audited, 404 when not the caller's. */
export async function setFormActive(deps: Deps, ctx: RequestContext, id: string, active: boolean) {
  await updateForm(deps, ctx, id, { active }, '');
}
