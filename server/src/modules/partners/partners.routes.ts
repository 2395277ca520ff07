import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Cursor, IdParams, Limit, Nullable, Page } from '../../http/schemas.ts';
import * as service from './partners.service.ts';

const Partner = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    contactName: Nullable(Type.String()),
    contactEmail: Nullable(Type.String()),
    contactPhone: Nullable(Type.String({ description: 'E.164' })),
    territories: Type.Array(Type.String()),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const fields = {
  contactName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  contactEmail: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  contactPhone: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 40,
        description: "Any written form; stored as E.164 (the company's country by default)",
      }),
    ),
  ),
  territories: Type.Optional(
    Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100, description: 'States, cities or regions it covers' }),
  ),
  active: Type.Optional(Type.Boolean({ description: 'An inactive partner gets no new leads and no new users' })),
};

const CreatePartnerBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), ...fields },
  { additionalProperties: false },
);

const UpdatePartnerBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...fields },
  { additionalProperties: false, minProperties: 1 },
);

const ListPartnersQuery = Type.Object(
  {
    active: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name, contact or a territory' })),
    limit: Limit,
    cursor: Cursor(500),
  },
  { additionalProperties: false },
);

/** Partner organisations. A PARTNER user has no partners:read: its own organisation is on its user (/auth/me). */
export function partnersRoutes(app: App, deps: Deps): void {
  app.get(
    '/partners',
    {
      config: { permission: 'partners:read' },
      schema: {
        tags: ['partners'],
        summary: 'Partner organisations, sorted by name',
        querystring: ListPartnersQuery,
        response: { 200: Page(Partner) },
      },
    },
    (request) => service.listPartners(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/partners',
    {
      config: { permission: 'partners:manage' },
      schema: {
        tags: ['partners'],
        summary: 'Add a partner organisation',
        body: CreatePartnerBody,
        response: { 201: Partner },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createPartner(deps, contextOf(request), request.body)),
  );

  app.get(
    '/partners/:id',
    {
      config: { permission: 'partners:read' },
      schema: { tags: ['partners'], summary: 'One partner organisation', params: IdParams, response: { 200: Partner } },
    },
    (request) => service.getPartner(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/partners/:id',
    {
      config: { permission: 'partners:manage' },
      schema: {
        tags: ['partners'],
        summary: 'Change a partner organisation, or deactivate it (active: false)',
        params: IdParams,
        body: UpdatePartnerBody,
        response: { 200: Partner },
      },
    },
    (request) => service.updatePartner(deps, contextOf(request), request.params.id, request.body),
  );
}
