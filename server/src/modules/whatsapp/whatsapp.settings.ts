import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { sha256 } from '../../lib/crypto.ts';
import { recordAudit } from '../audit/index.ts';
import { type CloudConnection, DEFAULT_API_BASE_URL, phoneNumberInfo } from './whatsapp.cloud.ts';
import * as repo from './whatsapp.repository.ts';
import type { SettingsInput } from './whatsapp.schemas.ts';

export const WEBHOOK_PATH = '/api/v1/webhooks/whatsapp';

/** What a verify token is looked up by: its hash, so the global directory holds nothing usable. */
export const verifyTokenHash = (token: string) => sha256(`whatsapp-verify:${token}`);

function toSettings(deps: Deps, companyId: string, row: repo.SettingsRow | undefined, baseUrl: string) {
  const webhookUrl = `${baseUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
  if (!row) {
    return {
      connected: false,
      phoneNumberId: null,
      wabaId: null,
      apiBaseUrl: DEFAULT_API_BASE_URL,
      verifyToken: null,
      accessTokenSet: false,
      appSecretSet: false,
      createLeadsFromUnknown: false,
      webhookUrl,
      updatedAt: null,
    };
  }
  return {
    connected: true,
    phoneNumberId: row.phone_number_id,
    wabaId: row.waba_id,
    apiBaseUrl: row.api_base_url,
    verifyToken: deps.secrets.open(row.verify_token_sealed, companyId),
    accessTokenSet: true,
    appSecretSet: true,
    createLeadsFromUnknown: row.create_leads_from_unknown,
    webhookUrl,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** What the audit log keeps of the settings: never a secret, only whether one was replaced. */
function auditView(row: {
  phone_number_id: string;
  waba_id: string | null;
  api_base_url: string;
  create_leads_from_unknown: boolean;
}) {
  return {
    phoneNumberId: row.phone_number_id,
    wabaId: row.waba_id,
    apiBaseUrl: row.api_base_url,
    createLeadsFromUnknown: row.create_leads_from_unknown,
  };
}

export async function getSettings(deps: Deps, ctx: RequestContext, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) =>
    toSettings(deps, ctx.actor.companyId, await repo.findSettings(trx), baseUrl),
  );
}

/**
 * The Graph API base. https, because the access token travels with every call; plain http only to this
 * machine (a local fake in tests, a proxy on the host).
 */
export function checkApiBaseUrl(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return DEFAULT_API_BASE_URL;
  const bad = (message: string) =>
    new AppError('validation_failed', `apiBaseUrl ${message}`, { errors: [{ path: 'apiBaseUrl', message }] });
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw bad('is not a URL');
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw bad('must use https (http only for localhost)');
  }
  if (url.username || url.password || url.search || url.hash) throw bad('must not carry credentials, a query or #');
  return url.toString().replace(/\/+$/, '');
}

/**
 * Saves the connection. The secrets are write-only: omitted, the stored ones stay (both are required the first
 * time). The phone number id is the company's in the global directory, so webhooks find it; a number another
 * company already connected is a 409.
 */
export async function putSettings(deps: Deps, ctx: RequestContext, body: SettingsInput, baseUrl: string) {
  const companyId = ctx.actor.companyId;
  const apiBaseUrl = checkApiBaseUrl(body.apiBaseUrl);
  return withTenant(deps.db, companyId, async (trx) => {
    const current = await repo.findSettings(trx);
    const missing = (['accessToken', 'appSecret'] as const).filter((k) => !current && body[k] === undefined);
    if (missing.length > 0) {
      throw new AppError('validation_failed', `Connecting WhatsApp needs ${missing.join(' and ')}`, {
        errors: missing.map((path) => ({ path, message: 'is required the first time' })),
      });
    }
    const owner = await repo.directoryOwner(trx, body.phoneNumberId);
    if (owner && owner !== companyId) {
      throw new AppError('conflict', 'This WhatsApp number is connected to another iPerform account', {
        errors: [{ path: 'phoneNumberId', message: 'is already connected elsewhere' }],
      });
    }
    const now = deps.clock.now();
    const seal = (value: string) => deps.secrets.seal(value, companyId);
    const row = {
      company_id: companyId,
      phone_number_id: body.phoneNumberId,
      waba_id: body.wabaId ?? null,
      access_token_sealed: body.accessToken ? seal(body.accessToken) : (current?.access_token_sealed ?? ''),
      app_secret_sealed: body.appSecret ? seal(body.appSecret) : (current?.app_secret_sealed ?? ''),
      verify_token_sealed: seal(body.verifyToken),
      api_base_url: apiBaseUrl,
      create_leads_from_unknown: body.createLeadsFromUnknown ?? false,
      updated_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    };
    await repo.upsertSettings(trx, row);
    await repo.setDirectory(trx, {
      company_id: companyId,
      phone_number_id: body.phoneNumberId,
      verify_token_hash: verifyTokenHash(body.verifyToken),
    });
    await recordAudit(trx, ctx, {
      action: current ? 'whatsapp.settings_updated' : 'whatsapp.connected',
      entityType: 'whatsapp_settings',
      entityId: null,
      before: current ? auditView(current) : null,
      after: {
        ...auditView(row),
        accessTokenReplaced: body.accessToken !== undefined,
        appSecretReplaced: body.appSecret !== undefined,
      },
      at: now,
    });
    return toSettings(deps, companyId, await repo.findSettings(trx), baseUrl);
  });
}

/** Disconnects: sending stops and webhooks for the number are refused; the messages stay on their leads. */
export async function deleteSettings(deps: Deps, ctx: RequestContext): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const current = await repo.findSettings(trx);
    if (!current) return;
    await repo.clearDirectory(trx, ctx.actor.companyId);
    await repo.deleteSettings(trx);
    await recordAudit(trx, ctx, {
      action: 'whatsapp.disconnected',
      entityType: 'whatsapp_settings',
      entityId: null,
      before: auditView(current),
      after: null,
      at: deps.clock.now(),
    });
  });
}

/** The stored connection with its token opened, or null when the company has none. */
export async function loadConnection(
  trx: Tx,
  deps: Deps,
  companyId: string,
): Promise<(CloudConnection & { settings: repo.SettingsRow }) | null> {
  const settings = await repo.findSettings(trx);
  if (!settings) return null;
  return {
    apiBaseUrl: settings.api_base_url,
    phoneNumberId: settings.phone_number_id,
    accessToken: deps.secrets.open(settings.access_token_sealed, companyId),
    settings,
  };
}

/** Asks WhatsApp about the connected number: proves the id and the token before anyone relies on them. */
export async function checkConnection(deps: Deps, ctx: RequestContext) {
  const connection = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    loadConnection(trx, deps, ctx.actor.companyId),
  );
  if (!connection) throw new AppError('whatsapp_not_configured', 'Save the WhatsApp settings first');
  const result = await phoneNumberInfo(connection);
  if (result.ok) return { ok: true, ...result.value, error: null };
  return {
    ok: false,
    displayPhoneNumber: null,
    verifiedName: null,
    qualityRating: null,
    error: {
      httpStatus: result.error.httpStatus,
      code: result.error.code,
      message: result.error.detail ? `${result.error.title}: ${result.error.detail}` : result.error.title,
    },
  };
}
