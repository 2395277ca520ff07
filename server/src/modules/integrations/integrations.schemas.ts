import { type Static, Type } from 'typebox';
import { List, Nullable } from '../../http/schemas.ts';

/** The kinds the home can pause and resume: the others are 400 naming `kind`. */
export const pausableKinds = ['web_form', 'webhook', 'erp'] as const;

const Instant = Type.String({ format: 'date-time' });

export const Connection = Type.Object(
  {
    kind: Type.Union(
      [
        Type.Literal('web_form'),
        Type.Literal('email'),
        Type.Literal('whatsapp'),
        Type.Literal('webhook'),
        Type.Literal('facebook_page'),
        Type.Literal('erp'),
      ],
      {
        description:
          'web_form, email (the SMTP server), whatsapp, webhook (an endpoint), facebook_page or erp (an ERP connection)',
      },
    ),
    id: Type.String({ format: 'uuid', description: 'The record’s id (the company’s for email and whatsapp)' }),
    name: Type.String(),
    status: Type.Union(
      [Type.Literal('connected'), Type.Literal('paused'), Type.Literal('broken'), Type.Literal('not_configured')],
      { description: 'connected (healthy), paused (disabled), broken (failing) or not_configured' },
    ),
    statusReason: Nullable(Type.String()),
    lastSuccessAt: Nullable(Instant),
    lastError: Nullable(Type.Object({ message: Type.String(), at: Nullable(Instant) })),
    today: Type.Record(Type.String(), Type.Integer(), {
      description: 'Counts since midnight in the company’s time zone, by what they count (e.g. leadsCreated)',
    }),
    pausable: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const ConnectionList = Type.Object({
  ...List(Connection).properties,
  today: Type.String({ format: 'date', description: 'The company’s today the counts are for' }),
  timezone: Type.String(),
});

export const ConnectionParams = Type.Object(
  {
    kind: Type.String({ maxLength: 40, description: 'web_form or webhook (the kinds that pause)' }),
    id: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);
export type ConnectionParamsInput = Static<typeof ConnectionParams>;
