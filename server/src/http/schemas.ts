import { type Static, type TSchema, Type } from 'typebox';

/** Shared pieces of request and response schemas. */
export const Limit = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (default 50, at most 200)' }),
);
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: Nullable(Type.String(), { description: 'null on the last page' }),
  });
}

export function List<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item) });
}

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    requestId: Type.String(),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export const NoContent = Type.Null({ description: 'No content' });

/**
 * `T | null` as `type: [T, "null"]` rather than `anyOf`: the serializer writes it directly instead of
 * validating each value against every branch, and the document reads the same.
 */
export function Nullable<T extends TSchema>(schema: T, options: Record<string, unknown> = {}) {
  const { type } = schema as unknown as { type: string };
  return Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [type, 'null'] });
}

/**
 * The `cursor` query parameter of a list: the `nextCursor` of the previous page, passed back as it came. Cursors
 * are base64url text; one this API did not issue is a 400 naming `cursor`.
 */
export function Cursor(maxLength = 500) {
  return Type.Optional(
    Type.String({
      maxLength,
      pattern: '^[A-Za-z0-9_-]*$',
      description: `Opaque: the previous page's \`nextCursor\`, as it came (base64url, at most ${maxLength} characters)`,
    }),
  );
}
