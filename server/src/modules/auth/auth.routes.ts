import { Type } from 'typebox';
import type { App } from '../../app.ts';
import { withTenant } from '../../db/client.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { findCompany, toCompany } from '../companies/companies.service.ts';
import { roleMatrix } from '../users/roles.ts';
import * as usersRepo from '../users/users.repository.ts';
import { toUser } from '../users/users.service.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';
import { ChangePasswordBody, CreateApiKeyBody, LoginBody, RefreshBody } from './auth.schemas.ts';
import * as auth from './auth.service.ts';

export function authRoutes(app: App, deps: Deps): void {
  /** The user row that goes with a fresh token pair. */
  async function withUser(pair: auth.TokenPair) {
    const row = await withTenant(deps.db, pair.companyId, (trx) => usersRepo.findUser(trx, pair.userId));
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
    async (request) => {
      const pair = await auth.login(deps, request.body.email, request.body.password, clientOf(request));
      return withUser(pair);
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
          const user = await usersRepo.findUser(trx, ctx.actor.userId);
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
