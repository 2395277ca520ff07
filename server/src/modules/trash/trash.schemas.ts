import { Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';
import { Lead } from '../leads/index.ts';

/** A lead in the trash: the lead as its reader may see it, plus who deleted it, when, and until when it can come back. */
export const TrashedLead = Type.Object(
  {
    ...Lead.properties,
    deletedAt: Type.String({ format: 'date-time' }),
    deletedBy: Nullable(Type.String({ format: 'uuid' }), {
      description: 'null when a job deleted it (an import undo)',
    }),
    deletedByName: Nullable(Type.String()),
    purgeAt: Type.String({ format: 'date-time', description: 'When the daily purge removes it for good' }),
    daysLeft: Type.Integer({ minimum: 0, description: 'Whole days left to restore it' }),
  },
  { additionalProperties: false },
);

export const TrashQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words of the name, company, email or phone' })),
    limit: Limit,
    cursor: Cursor(200),
  },
  { additionalProperties: false },
);

export const IfMatchHeader = Type.Object({
  'if-match': Type.Optional(Type.String({ maxLength: 100, description: 'The version you read; optional' })),
});
