import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';
import { leadSources } from '../leads/index.ts';

export const fieldTypes = ['text', 'email', 'phone', 'textarea', 'select', 'number'] as const;

/** The lead fields a form field may fill; `email` and `phone` fill the first of the lead's emails and phones. */
export const builtInTargets = [
  'name',
  'companyName',
  'email',
  'phone',
  'city',
  'state',
  'country',
  'product',
  'campaign',
  'notes',
] as const;

/** The hidden input bots fill and people never see; no form field may take its name. */
export const HONEYPOT = 'website';

export const FormField = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      description: 'The input name the page posts (a-z, 0-9, _)',
    }),
    label: Type.String({ minLength: 1, maxLength: 120 }),
    type: Type.Union(fieldTypes.map((t) => Type.Literal(t))),
    required: Type.Optional(Type.Boolean({ default: false })),
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        minItems: 1,
        maxItems: 100,
        description: 'The choices of a select',
      }),
    ),
    mapsTo: Type.String({
      pattern: `^(${builtInTargets.join('|')}|customFields\\.[a-z][a-z0-9_]{0,39})$`,
      description: `The lead field it fills: ${builtInTargets.join(', ')} or customFields.<key>`,
    }),
  },
  { additionalProperties: false },
);
export type FormFieldInput = Static<typeof FormField>;

const Source = Type.Union(leadSources.map((s) => Type.Literal(s)));
const formProps = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  fields: Type.Array(FormField, { minItems: 1, maxItems: 40, description: 'One of them must map to name' }),
  source: Type.Optional(Source),
  campaign: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  thankYou: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  active: Type.Optional(Type.Boolean()),
};

export const CreateFormBody = Type.Object(formProps, { additionalProperties: false });
export type CreateFormInput = Static<typeof CreateFormBody>;

export const UpdateFormBody = Type.Object(
  {
    name: Type.Optional(formProps.name),
    fields: Type.Optional(formProps.fields),
    source: formProps.source,
    campaign: formProps.campaign,
    thankYou: formProps.thankYou,
    active: formProps.active,
  },
  { additionalProperties: false },
);
export type UpdateFormInput = Static<typeof UpdateFormBody>;

export const Form = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    fields: Type.Array(
      Type.Object({
        name: Type.String(),
        label: Type.String(),
        type: Type.String(),
        required: Type.Boolean(),
        options: Type.Optional(Type.Array(Type.String())),
        mapsTo: Type.String(),
      }),
    ),
    source: Type.String(),
    campaign: Nullable(Type.String()),
    thankYou: Type.String(),
    active: Type.Boolean(),
    createdBy: Nullable(Type.String({ format: 'uuid' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    submitUrl: Type.String({ description: 'Where the page posts submissions (JSON or form-encoded)' }),
    embedHtml: Type.String({ description: 'A self-contained HTML snippet to paste into a page' }),
  },
  { additionalProperties: false },
);

export const ListFormsQuery = Type.Object({ limit: Limit, cursor: Cursor(200) }, { additionalProperties: false });

export const FormIdParams = Type.Object({ formId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** A submission: the form's field names to their values (form-encoded bodies arrive as text). */
export const SubmitBody = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null()]),
  { maxProperties: 100 },
);
export type SubmitInput = Static<typeof SubmitBody>;

export const SubmitResult = Type.Object({ message: Type.String() }, { additionalProperties: false });
