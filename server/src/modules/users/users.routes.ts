import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, Page } from '../../http/schemas.ts';
import { roleMatrix, roles } from './roles.ts';
import { CreateUserBody, ListUsersQuery, UpdateUserBody } from './users.schemas.ts';
import * as service from './users.service.ts';

const UserRef = Type.Ref('User');

export function usersRoutes(app: App, deps: Deps): void {
  app.get(
    '/roles',
    {
      config: { permission: 'roles:read' },
      schema: {
        tags: ['users'],
        summary: 'The permission matrix: each role, its permissions and which users it sees',
        response: { 200: List(Type.Ref('Role')) },
      },
    },
    async () => ({
      data: roles.map((role) => ({
        role,
        label: roleMatrix[role].label,
        permissions: [...roleMatrix[role].permissions],
        userScope: roleMatrix[role].userScope,
      })),
    }),
  );

  app.get(
    '/users',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary: 'Users the caller may see, sorted by name',
        querystring: ListUsersQuery,
        response: { 200: Page(UserRef) },
      },
    },
    (request) => service.listUsers(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/users',
    {
      config: { permission: 'users:manage' },
      schema: { tags: ['users'], summary: 'Create a user', body: CreateUserBody, response: { 201: UserRef } },
    },
    async (request, reply) => {
      const user = await service.createUser(deps, contextOf(request), request.body);
      return reply.code(201).send(user);
    },
  );

  app.get(
    '/users/:id',
    {
      config: { permission: 'users:read' },
      schema: { tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserRef } },
    },
    (request) => service.getUser(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: "Change a user's name, role, manager or partner organisation",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserRef },
      },
    },
    (request) => service.updateUser(deps, contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/users/:id/deactivate',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['users'],
        summary: 'Deactivate a user: ends its sessions and API keys',
        params: IdParams,
        response: { 200: UserRef },
      },
    },
    (request) => service.setActive(deps, contextOf(request), request.params.id, false),
  );

  app.post(
    '/users/:id/reactivate',
    {
      config: { permission: 'users:manage' },
      schema: { tags: ['users'], summary: 'Reactivate a user', params: IdParams, response: { 200: UserRef } },
    },
    (request) => service.setActive(deps, contextOf(request), request.params.id, true),
  );

  app.get(
    '/users/:id/team',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary: 'Everyone below a user in the hierarchy',
        params: IdParams,
        response: { 200: List(UserRef) },
      },
    },
    (request) => service.getTeam(deps, contextOf(request), request.params.id),
  );
}
