import { Type } from 'typebox';
import { withTenant } from '../../db/client.ts';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { RateLimiter } from '../../http/rate-limit.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { findCompany, toCompany } from '../companies/index.ts';
import { findUser, roleMatrix, toUser } from '../users/index.ts';

import { afterRepliesSettled, afterReply } from './after-reply.ts';
import { createApiKey, listApiKeys, revokeApiKey, setApiKeyScopes } from './api-keys.service.ts';
import {
  ChangePasswordBody,
  CreateApiKeyBody,
  LoginBody,
  PasswordResetConfirmBody,
  PasswordResetLink,
  PasswordResetRequestBody,
  RefreshBody,
  SetApiKeyScopesBody,
} from './auth.schemas.ts';
import * as auth from './auth.service.ts';
import { confirmPasswordReset, issueResetLink, requestPasswordReset } from './password-reset.service.ts';

export function authRoutes(app: App, deps: Deps): void {
  app.addHook('onClose', afterRepliesSettled);

  /** The user row that goes with a fresh token pair. */
  async function withUser(pair: auth.TokenPair) {
    const row = await withTenant(deps.db, pair.companyId, (trx) => findUser(trx, pair.userId));
    if (!row) throw new Error('user vanished during login');
    return {
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      expiresIn: pair.expiresIn,
      user: toUser(row),
    };
  }

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        description:
          'Wrong email or wrong password answer the same 401. Repeated failures lock the account and the client address for a while (429 with Retry-After).',
        body: LoginBody,
        response: { 200: Type.Ref('LoginResult') },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      try {
        return await withUser(await auth.login(deps, request.body.email, request.body.password, client));
      } catch (error) {
        // The refused attempt joins the account's history once the 429 is out, whether or not the account exists.
        if (error instanceof auth.LoginThrottled) {
          afterReply(reply, request.log, () => auth.recordThrottledLogin(deps, request.body.email, client));
        }
        throw error;
      }
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new pair',
        description:
          'Each refresh token works once. Presenting one that was already used ends every session of that login.',
        body: RefreshBody,
        response: { 200: Type.Ref('LoginResult') },
      },
    },
    async (request) => withUser(await auth.refresh(deps, request.body.refreshToken, clientOf(request))),
  );

  app.post(
    '/auth/logout',
    {
      config: { permission: 'profile:self' },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: NoContent } },
    },
    async (request, reply) => {
      await auth.logout(deps, contextOf(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { permission: 'profile:self' },
      schema: { tags: ['auth'], summary: 'Who I am: user, company and permissions', response: { 200: Type.Ref('Me') } },
    },
    async (request) => {
      const ctx = contextOf(request);
      // A session's credential check already read the user and company; an API key's did not.
      const identity =
        request.identity ??
        (await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
          const user = await findUser(trx, ctx.actor.userId);
          const company = await findCompany(trx, ctx.actor.companyId);
          if (!user || !company) throw new Error('authenticated user without row');
          return { user: toUser(user), company: toCompany(company) };
        }));
      return {
        ...identity,
        permissions: [...roleMatrix[ctx.actor.role].permissions],
        authenticatedWith: ctx.actor.apiKeyId ? ('api_key' as const) : ('session' as const),
      };
    },
  );

  app.get(
    '/auth/sessions',
    {
      config: { permission: 'profile:self' },
      schema: { tags: ['auth'], summary: 'My signed-in sessions', response: { 200: List(Type.Ref('Session')) } },
    },
    async (request) => ({ data: await auth.listSessions(deps, contextOf(request)) }),
  );

  app.delete(
    '/auth/sessions/:id',
    {
      config: { permission: 'profile:self' },
      schema: { tags: ['auth'], summary: 'End one of my sessions', params: IdParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await auth.revokeOwnSession(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { permission: 'profile:self' },
      schema: {
        tags: ['auth'],
        summary: 'Change my password; my other sessions end',
        body: ChangePasswordBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await auth.changePassword(deps, contextOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api-keys',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'My API keys; for an admin, every key of the company (never the keys themselves)',
        response: { 200: List(Type.Ref('ApiKey')) },
      },
    },
    (request) => listApiKeys(deps, contextOf(request)),
  );

  app.post(
    '/api-keys',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the key is in this response only',
        body: CreateApiKeyBody,
        response: { 201: Type.Ref('ApiKeyCreated') },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createApiKey(deps, contextOf(request), request.body.name, request.body.scopes)),
  );

  app.patch(
    '/api-keys/:id',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Set the scopes of an API key (an admin only)',
        description:
          'Only an admin grants or withdraws a scope; `leads:read-all` lets the key read every lead, never change more of them.',
        params: IdParams,
        body: SetApiKeyScopesBody,
        response: { 200: Type.Ref('ApiKey') },
      },
    },
    (request) => setApiKeyScopes(deps, contextOf(request), request.params.id, request.body.scopes),
  );

  // Reset requests per address (answered 429 when spent) and per account (dropped silently when spent, so the
  // answer never depends on the account).
  const resetsPerAddress = new RateLimiter(deps.db, 'password-reset', 10, 900);
  const resetsPerAccount = new RateLimiter(deps.db, 'password-reset-account', 3, 3600);

  app.post(
    '/auth/password-reset',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Forgot password: email a reset link',
        description:
          'Always 202, the same whether or not the account exists. When it does and its company has an outgoing email server, a link that works once for 30 minutes is emailed; otherwise an admin issues one.',
        body: PasswordResetRequestBody,
        response: { 202: Type.Object({ detail: Type.String() }) },
      },
    },
    async (request, reply) => {
      for (const [k, v] of Object.entries(await resetsPerAddress.take(request.ip))) reply.header(k, v);
      const client = clientOf(request);
      afterReply(reply, request.log, () => requestPasswordReset(deps, request.body, client, resetsPerAccount));
      return reply.code(202).send({
        detail: 'If the address belongs to an account, a link to reset its password is on its way.',
      });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset token; every session of the user ends',
        body: PasswordResetConfirmBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(deps, request.body.token, request.body.password, clientOf(request), request.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:id/password-reset-link',
    {
      config: { permission: 'users:reset-passwords' },
      schema: {
        tags: ['users'],
        summary: 'Issue a password reset link for a user, to hand over (works once, for 30 minutes)',
        params: IdParams,
        response: { 201: PasswordResetLink },
      },
    },
    async (request, reply) => {
      const baseUrl = deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
      return reply.code(201).send(await issueResetLink(deps, contextOf(request), request.params.id, baseUrl));
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { permission: 'api-keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke one of my API keys (an admin: any key of the company)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await revokeApiKey(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

function clientOf(request: { ip: string; headers: Record<string, string | string[] | undefined> }): auth.ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 500) : null };
}
