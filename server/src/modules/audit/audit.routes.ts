import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Cursor, Limit, Nullable, Page } from '../../http/schemas.ts';
import { listAudit, listAuditEntityTypes } from './audit.service.ts';

export const AuditEntry = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    at: Type.String({ format: 'date-time' }),
    action: Type.String({ examples: ['user.created'] }),
    entityType: Type.String({ examples: ['user'] }),
    entityId: Nullable(Type.String({ format: 'uuid' })),
    entityName: Nullable(
      Type.String({
        description:
          "The entity's readable name now (a lead's or user's name, …); null when it has none, is gone, or is not yours to see",
      }),
    ),
    actorUserId: Nullable(Type.String({ format: 'uuid' })),
    actorApiKeyId: Nullable(Type.String({ format: 'uuid' })),
    actorName: Nullable(Type.String()),
    changes: Type.Union(
      [Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() })), Type.Null()],
      { description: 'Changed fields, `{field: {from, to}}`; secrets are never shown.' },
    ),
    requestId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
  },
  { $id: 'AuditEntry' },
);

export function auditRoutes(app: App, deps: Deps): void {
  app.get(
    '/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log of every write, newest first',
        querystring: Type.Object(
          {
            entityType: Type.Optional(
              Type.String({ maxLength: 100, description: 'One of GET /audit/entity-types (e.g. lead, user)' }),
            ),
            entityId: Type.Optional(Type.String({ format: 'uuid' })),
            actorId: Type.Optional(Type.String({ format: 'uuid' })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Limit,
            cursor: Cursor(500),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(Type.Ref('AuditEntry')) },
      },
    },
    (request) => listAudit(deps.db, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/audit/entity-types',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: "The kinds of record the company's audit log holds, with labels, for its filter",
        response: {
          200: Type.Object(
            {
              data: Type.Array(
                Type.Object({ type: Type.String(), label: Type.String() }, { additionalProperties: false }),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
    },
    (request) => listAuditEntityTypes(deps.db, contextOf(request)),
  );
}
