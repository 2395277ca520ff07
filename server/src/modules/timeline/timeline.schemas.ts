import { Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
export const PersonRef = Type.Object({ id: Uuid, name: Type.String() });

export const NoteBody = Type.Object(
  {
    body: Type.String({
      minLength: 1,
      maxLength: 10_000,
      description: 'Plain text. Mention a colleague as `@[Their Name](their user id)`; each one is notified.',
    }),
  },
  { additionalProperties: false },
);

export const Note = Type.Object(
  {
    id: Uuid,
    leadId: Uuid,
    body: Type.String(),
    author: Nullable(PersonRef),
    mentions: Type.Array(PersonRef),
    editable: Type.Boolean({ description: 'Whether the caller may change or delete it (its author, or an admin)' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const NoteParams = Type.Object({ id: Uuid, noteId: Uuid }, { additionalProperties: false });

export const PageQuery = Type.Object({ limit: Limit, cursor: Cursor(200) }, { additionalProperties: false });

export const TimelineQuery = Type.Object(
  {
    limit: Limit,
    cursor: Cursor(200),
    kind: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Only these kinds, separated by commas (e.g. `note,activity,email`)',
      }),
    ),
    kinds: Type.Optional(Type.String({ maxLength: 200, description: 'The same as `kind` (its earlier name)' })),
  },
  { additionalProperties: false },
);
