import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Channel } from '../assignment/index.ts';
import { recordAudit } from '../audit/index.ts';

export const policies = ['block', 'warn', 'allow'] as const;
export type Policy = (typeof policies)[number];
export const policyChannels = ['ui', 'api', 'import', 'web_form', 'integration'] as const;
export type PolicyChannel = (typeof policyChannels)[number];

export interface DuplicateSettings {
  policies: Record<PolicyChannel, Policy>;
  /** pg_trgm similarity from which two names (and company names) count as alike. */
  nameThreshold: number;
  /** Whether a+news@b.com and a@b.com are one address. */
  plusAddressing: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** What a company has until its admin changes it: people are warned, machines are stopped, visitors never. */
export const defaultSettings: DuplicateSettings = {
  policies: { ui: 'warn', api: 'block', import: 'block', web_form: 'allow', integration: 'block' },
  nameThreshold: 0.6,
  plusAddressing: false,
  updatedAt: null,
  updatedBy: null,
};

/** The company's duplicate settings (the tenant transaction's company), the defaults when never set. */
export async function loadDuplicateSettings(trx: Tx): Promise<DuplicateSettings> {
  const row = await trx.selectFrom('duplicate_settings').selectAll().executeTakeFirst();
  if (!row) return defaultSettings;
  return {
    policies: {
      ui: row.policy_ui as Policy,
      api: row.policy_api as Policy,
      import: row.policy_import as Policy,
      web_form: row.policy_web_form as Policy,
      integration: row.policy_integration as Policy,
    },
    nameThreshold: Number(row.name_threshold),
    plusAddressing: row.plus_addressing,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}

/**
 * The channel whose policy applies to a create. A form and an import are what they are whoever runs them; an
 * integration user is an integration on any route; a bulk create is its caller's (an API key's or a person's).
 */
export function policyChannelOf(channel: Channel, actor: { role: string; apiKeyId: string | null }): PolicyChannel {
  if (channel === 'web_form' || channel === 'import') return channel;
  if (channel === 'integration' || channel === 'system' || actor.role === 'INTEGRATION') return 'integration';
  if (channel === 'api' || channel === 'ui') return channel;
  return actor.apiKeyId ? 'api' : 'ui';
}

export interface SettingsInput {
  policies?: Partial<Record<PolicyChannel, Policy>>;
  nameThreshold?: number;
  plusAddressing?: boolean;
}

/** Changes what was sent, keeps the rest; audited with what changed. */
export async function updateDuplicateSettings(
  deps: Deps,
  ctx: RequestContext,
  input: SettingsInput,
): Promise<DuplicateSettings> {
  if (input.policies?.web_form === 'block') {
    throw new AppError('validation_failed', 'A public form never refuses a visitor: use warn or allow', {
      errors: [{ path: 'policies.web_form', message: 'must be warn or allow (a web form never refuses a visitor)' }],
    });
  }
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await loadDuplicateSettings(trx);
    const next = {
      policies: { ...before.policies, ...input.policies },
      nameThreshold: input.nameThreshold ?? before.nameThreshold,
      plusAddressing: input.plusAddressing ?? before.plusAddressing,
    };
    const now = deps.clock.now();
    const values = {
      policy_ui: next.policies.ui,
      policy_api: next.policies.api,
      policy_import: next.policies.import,
      policy_web_form: next.policies.web_form,
      policy_integration: next.policies.integration,
      name_threshold: next.nameThreshold,
      plus_addressing: next.plusAddressing,
      updated_at: now,
      updated_by: ctx.actor.userId,
    };
    await trx
      .insertInto('duplicate_settings')
      .values({ company_id: ctx.actor.companyId, ...values })
      .onConflict((oc) => oc.column('company_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, {
      action: 'duplicates.settings_updated',
      entityType: 'duplicate_settings',
      entityId: ctx.actor.companyId,
      before: flat(before),
      after: flat({ ...next, updatedAt: null, updatedBy: null }),
      at: now,
    });
    return loadDuplicateSettings(trx);
  });
}

export async function getDuplicateSettings(deps: Deps, ctx: RequestContext): Promise<DuplicateSettings> {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => loadDuplicateSettings(trx));
}

function flat(settings: DuplicateSettings): Record<string, unknown> {
  return {
    ...Object.fromEntries(policyChannels.map((c) => [`policies.${c}`, settings.policies[c]])),
    nameThreshold: settings.nameThreshold,
    plusAddressing: settings.plusAddressing,
  };
}
