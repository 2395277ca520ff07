import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100, description: 'What to look for: a name, company, email or phone' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Results of each type (default 5)' })),
  },
  { additionalProperties: false },
);

export const SearchHit = Type.Object(
  {
    type: Type.Unsafe<'lead' | 'user'>({ type: 'string', enum: ['lead', 'user'] }),
    id: Type.String({ format: 'uuid' }),
    title: Type.String({ description: "The lead's or user's name" }),
    subtitle: Nullable(
      Type.String({ description: "A lead's company name or email (as its fields allow); a user's role and email" }),
    ),
  },
  { additionalProperties: false },
);

export const SearchResults = Type.Object(
  {
    data: Type.Array(SearchHit, { description: 'Leads first, then users, each the best few' }),
  },
  { additionalProperties: false },
);
