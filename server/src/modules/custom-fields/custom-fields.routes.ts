import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { List, NoContent } from '../../http/schemas.ts';
import { KEY_PATTERN } from '../../lib/keys.ts';
import * as service from './custom-fields.service.ts';
import { customFieldTypes } from './custom-fields.service.ts';
import { fieldPermissionsRoutes } from './field-permissions.routes.ts';

const FieldType = Type.Enum([...customFieldTypes], {
  description: 'user: the id of an active user of the company; date: YYYY-MM-DD',
});
const Options = Type.Array(Type.String({ maxLength: 100 }), {
  maxItems: 200,
  description: 'The choices of a select or multi_select field: at least one, distinct; no other type has any',
});

const CustomField = Type.Object(
  {
    key: Type.String({ description: 'How leads hold the value: customFields.<key>' }),
    label: Type.String(),
    type: FieldType,
    options: Type.Array(Type.String()),
    required: Type.Boolean({ description: 'Must be filled in when a lead is created, or when the field is changed' }),
    position: Type.Integer(),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const KeyParams = Type.Object({ key: Type.String({ pattern: KEY_PATTERN }) }, { additionalProperties: false });

const CreateCustomFieldBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 80 }),
    key: Type.Optional(
      Type.String({
        pattern: KEY_PATTERN,
        description: 'Lower-case letters, digits and _; derived from the label when absent',
      }),
    ),
    type: FieldType,
    options: Type.Optional(Options),
    required: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
);

const UpdateCustomFieldBody = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    type: Type.Optional(
      Type.Enum([...customFieldTypes], { description: 'Changes only while no lead has a value for the field' }),
    ),
    options: Type.Optional(Options),
    required: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    active: Type.Optional(Type.Boolean({ description: 'false deactivates, true brings a deactivated field back' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Type.Object(
  { active: Type.Optional(Type.Boolean({ description: 'Only active (true) or deactivated (false) fields' })) },
  { additionalProperties: false },
);

/** Custom lead fields and per-role field permissions. */
export function customFieldsRoutes(app: App, deps: Deps): void {
  app.get(
    '/custom-fields',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['custom-fields'],
        summary: "The company's custom lead fields, in form order",
        querystring: ListQuery,
        response: { 200: List(CustomField) },
      },
    },
    (request) => service.listCustomFields(deps, contextOf(request), request.query),
  );

  app.post(
    '/custom-fields',
    {
      config: { permission: 'fields:manage' },
      schema: {
        tags: ['custom-fields'],
        summary: 'Add a custom lead field',
        body: CreateCustomFieldBody,
        response: { 201: CustomField },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createCustomField(deps, contextOf(request), request.body)),
  );

  app.patch(
    '/custom-fields/:key',
    {
      config: { permission: 'fields:manage' },
      schema: {
        tags: ['custom-fields'],
        summary: 'Change a custom field: label, options, required, position, type (while unused), active',
        params: KeyParams,
        body: UpdateCustomFieldBody,
        response: { 200: CustomField },
      },
    },
    (request) => service.updateCustomField(deps, contextOf(request), request.params.key, request.body),
  );

  app.delete(
    '/custom-fields/:key',
    {
      config: { permission: 'fields:manage' },
      schema: {
        tags: ['custom-fields'],
        summary: 'Deactivate a custom field; values already on leads are kept',
        params: KeyParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deactivateCustomField(deps, contextOf(request), request.params.key);
      return reply.code(204).send(null);
    },
  );

  fieldPermissionsRoutes(app, deps);
}
