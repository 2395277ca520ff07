import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { permissions } from '../users/index.ts';

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: '12 to 128 characters, not a common password',
    }),
  },
  { additionalProperties: false },
);

export const LoginResult = Type.Object(
  {
    accessToken: Type.String({ description: 'JWT, sent as `Authorization: Bearer <token>`' }),
    refreshToken: Type.String({ description: 'Opaque; works once, then use the new one' }),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
    user: Type.Ref('User'),
  },
  { $id: 'LoginResult' },
);

export const Company = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    slug: Type.String(),
    timezone: Type.String(),
    currency: Type.String(),
    locale: Type.String(),
    phoneCountry: Type.String(),
    fiscalYearStartMonth: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 12, description: 'The month the fiscal year starts (GET /company)' }),
    ),
  },
  { $id: 'Company' },
);

export const Me = Type.Object(
  {
    user: Type.Ref('User'),
    company: Type.Ref('Company'),
    permissions: Type.Array(Type.Enum([...permissions])),
    authenticatedWith: Type.Union([Type.Literal('session'), Type.Literal('api_key')]),
  },
  { $id: 'Me' },
);

export const Session = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    current: Type.Boolean(),
  },
  { $id: 'Session' },
);

export const ApiKey = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
    userId: Type.String({ format: 'uuid' }),
    userName: Type.String({ description: 'The integration or dev user the key acts as' }),
    scopes: Type.Array(Type.String(), { description: 'Extra reach of the key, e.g. leads:read-all' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ApiKey' },
);

export const ApiKeyCreated = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String(),
    userId: Type.String({ format: 'uuid' }),
    userName: Type.String({ description: 'The integration or dev user the key acts as' }),
    scopes: Type.Array(Type.String(), { description: 'Extra reach of the key, e.g. leads:read-all' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
    key: Type.String({ description: 'The key itself: shown once, never again' }),
  },
  { $id: 'ApiKeyCreated' },
);

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Optional(
      Type.Array(Type.Literal('leads:read-all'), {
        maxItems: 5,
        description: 'leads:read-all lets an integration read every lead, not only those it created',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SetApiKeyScopesBody = Type.Object(
  {
    scopes: Type.Array(Type.Literal('leads:read-all'), {
      maxItems: 5,
      description:
        'The whole set of scopes the key has from now on; leads:read-all reads every lead, never writes more',
    }),
  },
  { additionalProperties: false },
);

export const PasswordResetRequestBody = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    companySlug: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'The company the account belongs to, when known' }),
    ),
  },
  { additionalProperties: false },
);

export const PasswordResetConfirmBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 500, description: 'From the reset link' }),
    password: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: '12 to 128 characters, not a common password',
    }),
  },
  { additionalProperties: false },
);

export const PasswordResetLink = Type.Object({
  link: Type.String({ description: 'Hand it to the user; it works once' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
