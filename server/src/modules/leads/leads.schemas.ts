import { type Static, type TSchema, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';
import { leadFields } from './lead-catalog.ts';

export const leadSources = [
  'manual',
  'import',
  'api',
  'web_form',
  'facebook',
  'whatsapp',
  'partner',
  'erp',
  'referral',
  'other',
] as const;
export type LeadSource = (typeof leadSources)[number];

/** How each source reads to a person: the web app and exports use these (through the generated catalog). */
export const leadSourceLabels: Record<LeadSource, string> = {
  manual: 'Manual',
  import: 'Import',
  api: 'API',
  web_form: 'Web form',
  facebook: 'Facebook',
  whatsapp: 'WhatsApp',
  partner: 'Partner',
  erp: 'ERP',
  referral: 'Referral',
  other: 'Other',
};

const Uuid = Type.String({ format: 'uuid' });
const ShortText = (max: number) => Type.String({ maxLength: max });
const StageKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: "A stage's stable key" });
export const CustomFieldValue = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 }),
  Type.Null(),
]);

/** Fields a role may not see are left out of the object (see field permissions); the rest are always present. */
export const Lead = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    companyName: Type.Optional(Nullable(Type.String())),
    emails: Type.Optional(Type.Array(Type.String())),
    phones: Type.Optional(Type.Array(Type.String({ description: 'E.164' }))),
    source: Type.Optional(Type.String()),
    campaign: Type.Optional(Nullable(Type.String())),
    product: Type.Optional(Nullable(Type.String())),
    city: Type.Optional(Nullable(Type.String())),
    state: Type.Optional(Nullable(Type.String())),
    country: Type.Optional(Nullable(Type.String())),
    territory: Type.Optional(Nullable(Type.String())),
    expectedValue: Type.Optional(Nullable(Type.Number())),
    currency: Type.Optional(Nullable(Type.String())),
    expectedCloseDate: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    tags: Type.Optional(Type.Array(Type.String())),
    notes: Type.Optional(Nullable(Type.String())),
    stage: Type.String(),
    lostReason: Type.Optional(Nullable(Type.String())),
    ownerId: Type.Optional(Nullable(Uuid)),
    ownerName: Type.Optional(Nullable(Type.String())),
    warriorIds: Type.Optional(Type.Array(Uuid)),
    warriors: Type.Optional(
      Type.Array(Type.Object({ id: Uuid, name: Type.String() }), { description: 'The warriors, with their names' }),
    ),
    coSalesIds: Type.Optional(Type.Array(Uuid)),
    coSales: Type.Optional(
      Type.Array(Type.Object({ id: Uuid, name: Type.String() }), { description: 'The co-sales, with their names' }),
    ),
    partnerId: Type.Optional(Nullable(Uuid)),
    partnerName: Type.Optional(Nullable(Type.String())),
    customFields: Type.Optional(Type.Record(Type.String(), CustomFieldValue)),
    createdBy: Nullable(Uuid),
    createdVia: Type.String({ description: 'The channel the lead came in through' }),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    stageChangedAt: Type.String({ format: 'date-time' }),
    lastTouchedAt: Type.String({ format: 'date-time' }),
    score: Nullable(
      Type.Integer({ minimum: 0, maximum: 100, description: 'The lead score (0-100); null until it is scored' }),
    ),
    scoreTier: Type.Unsafe<'hot' | 'warm' | 'cold' | null>({
      type: ['string', 'null'],
      enum: ['hot', 'warm', 'cold', null],
      description: "The score's tier, from the company's thresholds; null until it is scored",
    }),
    editable: Type.Array(Type.String(), { description: 'The fields the caller may change on this lead' }),
  },
  { $id: 'Lead', additionalProperties: false },
);

/** The writable lead fields, shared by create, update, bulk and the stage move's `fields`. */
const editableProps = {
  companyName: Type.Optional(Nullable(ShortText(200))),
  emails: Type.Optional(Type.Array(ShortText(254), { maxItems: 10 })),
  phones: Type.Optional(Type.Array(ShortText(40), { maxItems: 10 })),
  campaign: Type.Optional(Nullable(ShortText(200))),
  product: Type.Optional(Nullable(ShortText(200))),
  city: Type.Optional(Nullable(ShortText(100))),
  state: Type.Optional(Nullable(ShortText(100))),
  country: Type.Optional(Nullable(ShortText(100))),
  territory: Type.Optional(Nullable(ShortText(100))),
  expectedValue: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 99_999_999_999_999 }))),
  currency: Type.Optional(Nullable(Type.String({ pattern: '^[A-Z]{3}$' }))),
  expectedCloseDate: Type.Optional(Nullable(Type.String({ format: 'date' }))),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 })),
  notes: Type.Optional(Nullable(ShortText(10_000))),
  lostReason: Type.Optional(Nullable(ShortText(500))),
  customFields: Type.Optional(Type.Record(Type.String(), CustomFieldValue)),
};

export const LeadFields = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...editableProps },
  { additionalProperties: false },
);

export const CreateLeadBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ...editableProps,
    source: Type.Optional(Type.Union(leadSources.map((s) => Type.Literal(s)))),
    stage: Type.Optional(StageKey),
    ownerId: Type.Optional(Nullable(Uuid)),
    warriorIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
    coSalesIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
    partnerId: Type.Optional(Nullable(Uuid)),
    createdAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'History from elsewhere (permission leads:backdate): when the lead was created. From 1970 to now; ' +
          'without it, now',
      }),
    ),
    stageChangedAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'History from elsewhere (permission leads:backdate): when it reached its stage (a Won or Lost lead: when ' +
          'it was won or lost). Not before createdAt; without it, createdAt',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateLeadInput = Static<typeof CreateLeadBody>;

export const UpdateLeadBody = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read; or send If-Match' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...editableProps,
    source: Type.Optional(Type.Union(leadSources.map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false },
);
export type UpdateLeadInput = Static<typeof UpdateLeadBody>;
export type LeadFieldsInput = Omit<UpdateLeadInput, 'version'>;

export const MoveStageBody = Type.Object(
  {
    stage: StageKey,
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    fields: Type.Optional(LeadFields),
    closeFollowUps: Type.Optional(
      Type.Boolean({
        description:
          'Moving to a Won or Lost stage while the lead has open follow-ups: true cancels them with the move, ' +
          'false keeps them; without it the move answers 409 open_follow_ups listing them',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AssignBody = Type.Object(
  {
    ownerId: Type.Optional(Nullable(Uuid)),
    warriorIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
    coSalesIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
    partnerId: Type.Optional(Nullable(Uuid)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type AssignInput = Static<typeof AssignBody>;

const csvParam = (description: string) => Type.Optional(Type.String({ maxLength: 2000, description }));
const textParam = (field: string) =>
  Type.Optional(
    Type.Array(Type.String({ maxLength: 500 }), {
      maxItems: 50,
      description: `Leads whose ${field} is this (case-insensitive); repeat the parameter for any of several`,
    }),
  );
const rangeParam = (description: string) => Type.Optional(Type.String({ maxLength: 40, description }));
const numberParam = (description: string) => Type.Optional(Type.Number({ description }));

const keysDescription: Record<string, string> = {
  stage: 'A stage key, or several separated by commas',
  source: 'A source, or several separated by commas',
  currency: 'A currency code, or several separated by commas',
  tags: 'A tag, or several separated by commas',
};

/** The list filter parameters of the catalog's fields (`filter`), described from their labels. */
function catalogFilterParams() {
  const params: Record<string, TSchema> = {};
  for (const f of leadFields) {
    if (!f.filter) continue;
    const label = f.label.toLowerCase();
    if (f.filter.kind === 'text') params[f.key] = textParam(label);
    else if (f.filter.kind === 'keys') {
      const param = f.filter.param ?? f.key;
      const none = f.access === 'system' ? '' : ', or `none`';
      params[param] =
        f.type === 'uuid' || f.type === 'uuid[]'
          ? csvParam(`${f.label}: a user or partner id, several separated by commas${none}`)
          : csvParam(
              keysDescription[f.key] ??
                `A ${label}${f.options ? ` (${f.options.join(', ')})` : ''}, or several separated by commas`,
            );
      if (f.display === 'tags') {
        params[`${f.key}Match`] = Type.Optional(
          Type.Union([Type.Literal('any'), Type.Literal('all')], { description: 'Any of the tags (default) or all' }),
        );
      }
    } else if (f.type === 'numeric' || f.type === 'integer') {
      params[`${f.key}.min`] = numberParam(`${f.label} at least`);
      params[`${f.key}.max`] = numberParam(`${f.label} at most`);
    } else {
      const what = f.type === 'date' ? '(date)' : '(date or date-time)';
      params[`${f.key}.min`] = rangeParam(`${f.label}: on or after ${what}`);
      params[`${f.key}.max`] = rangeParam(`${f.label}: on or before ${what}`);
    }
  }
  return params;
}

/**
 * The list's filters, shared by the list, the stage counts and saved views. Multi-valued ids and keys are
 * comma-separated; free-text fields repeat the parameter. Ranges are inclusive; a date alone (YYYY-MM-DD) on a
 * timestamp means that whole day in the company's time zone. Custom fields: `cf.<key>=value` (repeat for any
 * of several), `cf.<key>.min` / `cf.<key>.max` for number and date fields.
 */
export const leadFilterParams = {
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Search name, company, email and phone: words, typos, any phone format',
    }),
  ),
  ...catalogFilterParams(),
  team: Type.Optional(
    Type.String({ format: 'uuid', description: 'Leads owned by this person or anyone reporting to it (its team)' }),
  ),
  reached: csvParam('Leads that entered this stage (any of several, comma-separated), from their stage history'),
  reachedFrom: csvParam('With `reached`: the move came from this stage (any of several, comma-separated)'),
  'reachedAt.min': rangeParam('With `reached`: the move was on or after (date or date-time)'),
  'reachedAt.max': rangeParam('With `reached`: the move was on or before (date or date-time)'),
};

/** `cf.<key>` and `cf.<key>.min|max`: custom field filters, checked against the company's fields. */
export const customFilterParams = {
  '^cf\\.[a-z][a-z0-9_]{0,39}$': Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
  '^cf\\.[a-z][a-z0-9_]{0,39}\\.(min|max)$': Type.String({ maxLength: 40 }),
};

export const LeadFiltersQuery = Type.Object(leadFilterParams, {
  additionalProperties: false,
  patternProperties: customFilterParams,
});

export const ListLeadsQuery = Type.Object(
  {
    ...leadFilterParams,
    sort: Type.Optional(
      Type.String({
        maxLength: 60,
        description:
          'A field to sort by, `-` first for descending (default `-updatedAt`): name, companyName, stage, ' +
          'expectedValue, expectedCloseDate, createdAt, updatedAt, ownerName, city, customFields.<key>, ...',
      }),
    ),
    limit: Limit,
    cursor: Cursor(1000),
  },
  { additionalProperties: false, patternProperties: customFilterParams },
);

export const StageHistoryEntry = Type.Object(
  {
    id: Uuid,
    fromStage: Nullable(Type.String()),
    toStage: Type.String(),
    byUserId: Nullable(Uuid),
    byUserName: Nullable(Type.String()),
    at: Type.String({ format: 'date-time' }),
    secondsInPrevious: Nullable(Type.Integer()),
  },
  { $id: 'StageHistoryEntry', additionalProperties: false },
);
