import { Type } from 'typebox';
import { Cursor, Nullable } from '../../http/schemas.ts';
import { permissions, roles } from './roles.ts';

export const RoleName = Type.Enum([...roles], { description: 'One of the ten roles' });

export const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    role: RoleName,
    managerId: Nullable(Uuid),
    managerName: Nullable(Type.String()),
    partnerId: Nullable(Uuid, { description: 'The partner organisation of a PARTNER user; null for every other role' }),
    partnerName: Nullable(Type.String()),
    active: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    deactivatedAt: Nullable(Timestamp),
  },
  { $id: 'User' },
);

export const RoleInfo = Type.Object(
  {
    role: RoleName,
    label: Type.String(),
    permissions: Type.Array(Type.Enum([...permissions])),
    userScope: Type.Union([
      Type.Literal('all'),
      Type.Literal('subtree'),
      Type.Literal('self_and_warriors'),
      Type.Literal('self'),
    ]),
  },
  { $id: 'Role' },
);

const Email = Type.String({ format: 'email', maxLength: 254 });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Name,
    role: RoleName,
    managerId: Type.Optional(Nullable(Uuid)),
    partnerId: Type.Optional(Nullable(Uuid, { description: 'Required for a PARTNER user (an active partner)' })),
    password: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: '12 to 128 characters, not a common password',
    }),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(RoleName),
    managerId: Type.Optional(Nullable(Uuid)),
    partnerId: Type.Optional(
      Nullable(Uuid, { description: 'A PARTNER user must keep one; leaving the role clears it' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListUsersQuery = Type.Object(
  {
    role: Type.Optional(RoleName),
    managerId: Type.Optional(Uuid),
    active: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Cursor(500),
  },
  { additionalProperties: false },
);
