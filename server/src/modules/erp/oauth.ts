import { type ConnectorContext, ErpError, type OAuthSpec } from './connector.ts';

/**
 * OAuth 2.0 for the connectors that use it (QuickBooks Online, Zoho). Tokens live in the connection's sealed
 * secrets: `accessToken`, `refreshToken`, `expiresAt` (epoch milliseconds); the client's id and secret are
 * `clientId` and `clientSecret`. A refresh stores the new access token and, when the vendor rotates it (QuickBooks
 * does, on most refreshes), the new refresh token; `invalid_grant` means the grant was revoked or expired, which
 * no retry fixes: ErpError 'auth_revoked', and the engine marks the connection broken and tells the admins.
 */

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number | string;
  token_type?: string;
  [other: string]: unknown;
}

/** Posts a form to the token endpoint (client credentials in the body, which QuickBooks and Zoho both accept). */
export async function tokenRequest(url: string, form: Record<string, string>): Promise<TokenResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new ErpError('unavailable', `Could not reach the token endpoint: ${(error as Error).message}`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ErpError('unavailable', `The token endpoint answered ${res.status}: ${text.slice(0, 200)}`, {
      status: res.status,
    });
  }
  // Zoho answers 200 with {"error": "invalid_code"}; QuickBooks answers 400 with {"error": "invalid_grant"}.
  if (typeof body.error === 'string') {
    const message =
      typeof body.error_description === 'string' ? `${body.error}: ${body.error_description}` : body.error;
    const revoked = ['invalid_grant', 'invalid_code', 'invalid_client'].includes(body.error);
    throw new ErpError(revoked ? 'auth_revoked' : 'auth', message, { vendorCode: body.error, status: res.status });
  }
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new ErpError('auth', `The token endpoint answered ${res.status}`, { status: res.status });
  }
  return body as TokenResponse;
}

/** What a token response changes in the secrets. */
export function tokenSecrets(token: TokenResponse, now: Date): Record<string, string> {
  const expiresIn = Number(token.expires_in ?? 3600);
  const secrets: Record<string, string> = {
    accessToken: token.access_token,
    expiresAt: String(now.getTime() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000),
  };
  if (token.refresh_token) secrets.refreshToken = token.refresh_token;
  return secrets;
}

export async function refreshAccessToken(ctx: ConnectorContext, oauth: OAuthSpec): Promise<void> {
  const refreshToken = ctx.secrets.refreshToken;
  if (!refreshToken) throw new ErpError('auth_revoked', 'Not connected: no refresh token; connect again');
  const token = await tokenRequest(oauth.tokenUrl(ctx.settings), {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: ctx.secrets.clientId ?? '',
    client_secret: ctx.secrets.clientSecret ?? '',
  });
  await ctx.saveSecrets(tokenSecrets(token, ctx.now()));
}
