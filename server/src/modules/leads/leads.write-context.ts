import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Channel, RoutingDecision } from '../assignment/index.ts';
import { type DuplicateSettings, loadDuplicateSettings } from '../duplicates/index.ts';
import { listStages } from '../pipeline/index.ts';
import { fieldAccessFor } from './lead-fields.ts';
import { type InputContext, loadInputContext } from './lead-input.ts';
import type * as repo from './leads.repository.ts';

export function channelOf(ctx: RequestContext): Channel {
  return ctx.actor.apiKeyId ? 'api' : 'ui';
}

/** What a caller needs for any lead write, loaded once per transaction (bulk reuses it for every item). */
export interface WriteContext {
  input: InputContext;
  stages: Awaited<ReturnType<typeof listStages>>;
  duplicates: DuplicateSettings;
}

export async function loadWriteContext(trx: Tx, ctx: RequestContext): Promise<WriteContext> {
  const access = await fieldAccessFor(trx, ctx.actor.role);
  const [input, stages, duplicates] = await Promise.all([
    loadInputContext(trx, access),
    listStages(trx),
    loadDuplicateSettings(trx),
  ]);
  return { input, stages, duplicates };
}

export function manualDecision(ownerId: string | null, detail: string): RoutingDecision {
  return {
    ownerId,
    reason: 'manual',
    ruleId: null,
    ruleName: null,
    strategy: null,
    slaMinutes: null,
    candidates: [],
    detail,
  };
}

/** Column values in API terms, for rule conditions and stage requirements. */
export function apiValues(values: repo.LeadColumns & { name: string }): Record<string, unknown> {
  return {
    name: values.name,
    companyName: values.company_name ?? null,
    emails: values.emails ?? [],
    phones: values.phones ?? [],
    source: values.source,
    campaign: values.campaign ?? null,
    product: values.product ?? null,
    city: values.city ?? null,
    state: values.state ?? null,
    country: values.country ?? null,
    territory: values.territory ?? null,
    expectedValue: values.expected_value ?? null,
    currency: values.currency ?? null,
    expectedCloseDate: values.expected_close_date ?? null,
    tags: values.tags ?? [],
    notes: values.notes ?? null,
    lostReason: values.lost_reason ?? null,
    stage: values.stage,
    ownerId: values.owner_id ?? null,
    partnerId: values.partner_id ?? null,
    customFields: values.custom_fields ?? {},
  };
}

/** A stage's required fields must hold a value once the lead is in it (Won needs a value, Lost a reason). */
export function checkStageRequirements(
  stage: { key: string; name: string; required_fields: string[] },
  values: Record<string, unknown>,
  base: string,
): void {
  const missing = stage.required_fields.filter((field) => {
    const value = field.startsWith('customFields.')
      ? (values.customFields as Record<string, unknown>)[field.slice('customFields.'.length)]
      : values[field];
    return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length > 0) {
    throw new AppError('stage_requirements', `Moving to ${stage.name} needs: ${missing.join(', ')}`, {
      errors: missing.map((field) => ({ path: `${base}${field}`, message: `is required in the ${stage.name} stage` })),
      extra: { stage: stage.key, requiredFields: missing },
    });
  }
}
