import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { List } from '../../http/schemas.ts';
import { RoleName } from '../users/index.ts';
import * as service from './field-permissions.service.ts';

const Access = Type.Enum(['hidden', 'read', 'write']);

const FieldPermission = Type.Object(
  {
    role: RoleName,
    field: Type.String({ description: 'A lead field name, or customFields.<key>' }),
    label: Type.String(),
    access: Access,
    isDefault: Type.Boolean({ description: 'true when no override is set and the built-in default applies' }),
    defaultAccess: Access,
  },
  { additionalProperties: false },
);

const SetFieldPermissionBody = Type.Object(
  {
    role: RoleName,
    field: Type.String({ minLength: 1, maxLength: 60 }),
    access: Type.Union([Access, Type.Null()], { description: 'null goes back to the default' }),
  },
  { additionalProperties: false },
);

const MyField = Type.Object(
  { field: Type.String(), label: Type.String(), access: Access },
  { additionalProperties: false },
);

export function fieldPermissionsRoutes(app: App, deps: Deps): void {
  app.get(
    '/field-permissions',
    {
      config: { permission: 'fields:manage' },
      schema: {
        tags: ['custom-fields'],
        summary: "Every role's access to every lead field (hidden, read, write) and whether it is the default",
        response: { 200: List(FieldPermission) },
      },
    },
    (request) => service.listFieldPermissions(deps, contextOf(request)),
  );

  app.put(
    '/field-permissions',
    {
      config: { permission: 'fields:manage' },
      schema: {
        tags: ['custom-fields'],
        summary: "Set one role's access to one field, or (access null) go back to the default",
        body: SetFieldPermissionBody,
        response: { 200: FieldPermission },
      },
    },
    (request) => service.setFieldPermission(deps, contextOf(request), request.body),
  );

  app.get(
    '/leads/fields',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'My access to each lead field: hidden fields are left out of leads, read fields are read-only',
        response: { 200: List(MyField) },
      },
    },
    (request) => service.myFieldAccess(deps, contextOf(request)),
  );
}
