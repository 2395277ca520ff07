import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * The lead's built-in fields, declared once. Every list of lead fields on the server (list filters and sort,
 * export columns, import mapping, duplicate fill, merge choices, assignment-rule conditions, field permissions,
 * the timeline's field changes, report dimensions and measures) derives from this table; the web app reads the
 * same table from the generated `web/src/lib/lead-catalog.ts` (`npm run generate`). A company's custom fields
 * join it at run time (`GET /leads/catalog`).
 *
 * Adding a built-in field: a migration adds the column, one entry here says what it takes part in, and
 * `lead-catalog.test.ts` fails until every place its flags promise serves it.
 */

/** How the value is stored and carried in the API. */
export type LeadFieldType =
  | 'uuid'
  | 'uuid[]'
  | 'text'
  | 'text[]'
  | 'numeric'
  | 'date'
  | 'timestamptz'
  | 'integer'
  | 'jsonb';

/** How a person sees and edits it. */
export type LeadFieldDisplay =
  | 'text'
  | 'longtext'
  | 'emails'
  | 'phones'
  | 'tags'
  | 'source'
  | 'stage'
  | 'money'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'user'
  | 'users'
  | 'partner'
  | 'custom'
  | 'channel'
  | 'id'
  | 'integer'
  | 'tier';

/**
 * Who decides whether a role sees it: `always` (every role that sees the lead), `controlled` (field permissions,
 * per role, overridable per company), `assignment` (controlled, and changed only through /assign), `system`
 * (always shown, never written by a person).
 */
export type LeadFieldAccess = 'always' | 'controlled' | 'assignment' | 'system';

/** How the list filters it: `text` (repeat the parameter), `keys` (comma-separated keys or ids), `range` (.min/.max). */
export type LeadFilterKind = 'text' | 'keys' | 'range';

/** How an assignment-rule condition reads it. */
export type ConditionKind = 'text' | 'list' | 'number' | 'date' | 'boolean';

/**
 * Tables kept beside `leads`, at most one row per lead (keyed by `company_id` and `lead_id`), that fields are read
 * from, with the alias each is joined as in the lead queries. No row reads as null.
 */
export const besideTables = { lead_scores: 'ls' } as const;
export type BesideTable = keyof typeof besideTables;

export interface LeadFieldDef {
  /** The API name. */
  readonly key: string;
  /** The column of `leads`; for a field read `from` a table beside it, the property of the lead row it is read as. */
  readonly column: string;
  /**
   * Read from a table kept beside the lead rather than from `leads`: a value the server computes (the score), shown,
   * filtered, sorted and exported like the lead's own, never written through the lead (so access `system`, and no
   * import, fill, merge, condition, timeline or report).
   */
  readonly from?: { readonly table: BesideTable; readonly column: string };
  readonly type: LeadFieldType;
  readonly display: LeadFieldDisplay;
  readonly label: string;
  readonly access: LeadFieldAccess;
  /** The column is NOT NULL (arrays and custom fields are empty rather than null). */
  readonly required?: boolean;
  /** The only values it takes (a keys filter refuses any other). */
  readonly options?: readonly string[];
  /** The list filter parameter(s) it answers, and how (`param` when the parameter is not the key). */
  readonly filter?: { readonly kind: LeadFilterKind; readonly param?: string };
  /**
   * Sortable in lists; `by` names the sort key when it is not the field and `expr` the joined column it reads
   * (the owner sorts by its name).
   */
  readonly sort?: { readonly by?: string; readonly expr?: string };
  /** Matched by the list's free-text search. */
  readonly search?: boolean;
  /** A column of exports. */
  readonly export?: boolean;
  /** The lead's property that names the people or partner of an id field (exports and lists show names). */
  readonly namedAs?: string;
  /**
   * A target of the import mapping: `target` names it when it is not the key (a column feeds one email, the
   * lead keeps a list), `multi` lets several columns feed it, `aliases` are the header names that suggest it,
   * best first (our own names and those of Salesforce, HubSpot and Zoho CRM lead exports). `label` names the target
   * when it is not the field's label; `stageKinds` reads the column only on rows whose stage is of those kinds (a
   * close date says when a Won or Lost deal closed; on an open deal it is only expected).
   */
  readonly import?: {
    readonly target?: string;
    readonly label?: string;
    readonly multi?: boolean;
    readonly stageKinds?: readonly ('open' | 'won' | 'lost')[];
    readonly aliases: readonly string[];
  };
  /** An incoming duplicate fills it when the existing lead has none. */
  readonly fill?: boolean;
  /** What a merge does with it: one lead's value is chosen, or every lead's values are combined. */
  readonly merge?: 'choose' | 'union';
  /** An assignment rule may test it. */
  readonly condition?: ConditionKind;
  /** A change of it is an entry of the lead's timeline (read from the audit log). */
  readonly timeline?: boolean;
  /** What reports may do with it. */
  readonly report?: 'dimension' | 'measure' | 'time';
}

/** Header names that suggest the place and campaign fields in an import (see `import` below). */
const importAliases = {
  campaign: ['campaign', 'campaignname', 'adcampaignname', 'utmcampaign'],
  product: ['product', 'productname', 'productinterest', 'productc', 'interestedin'],
  city: ['city', 'town', 'ipcity'],
  state: ['state', 'stateregion', 'province', 'statecode', 'ipstateregion'],
  country: ['country', 'countryregion', 'addresscountryregion', 'countrycode', 'ipcountry'],
  territory: ['territory', 'salesterritory', 'regionc', 'zone'],
} as const;

/**
 * History brought in by an import (who may: leads:import): when the lead was created, and when a Won or Lost row
 * was won or lost (the date it reached its stage). "Close date" alone stays the expected close date
 * (`expectedCloseDate`): in the exports we read (Salesforce, HubSpot, Zoho) it is a forecast on every open deal.
 */
const historyImports = {
  createdAt: {
    aliases: [
      'createdat',
      'createddate',
      'createdate',
      'created',
      'createdtime',
      'createdon',
      'datecreated',
      'creationdate',
      'engagedate',
      'leadcreateddate',
      'dealcreated',
      'objectcreatedatetime',
    ],
  },
  stageChangedAt: {
    target: 'closedAt',
    label: 'Closed at (won or lost)',
    stageKinds: ['won', 'lost'],
    aliases: [
      'closedat',
      'closeddate',
      'dateclosed',
      'closedon',
      'actualclosedate',
      'wonat',
      'wondate',
      'wontime',
      'lostat',
      'lostdate',
      'losttime',
      'closedwondate',
      'closedlostdate',
    ],
  },
} as const;

export const leadCatalog = [
  { key: 'id', column: 'id', type: 'uuid', display: 'id', label: 'ID', access: 'system', required: true, export: true },
  {
    key: 'name',
    column: 'name',
    type: 'text',
    display: 'text',
    label: 'Name',
    access: 'always',
    required: true,
    sort: {},
    search: true,
    export: true,
    import: {
      multi: true,
      aliases: [
        'name',
        'fullname',
        'leadname',
        'contactname',
        'customername',
        'dealname',
        'opportunityname',
        'contact',
      ],
    },
    merge: 'choose',
    condition: 'text',
    timeline: true,
  },
  {
    key: 'companyName',
    column: 'company_name',
    type: 'text',
    display: 'text',
    label: 'Company',
    access: 'controlled',
    sort: {},
    search: true,
    export: true,
    import: {
      aliases: [
        'company',
        'companyname',
        'account',
        'accountname',
        'organization',
        'organisation',
        'associatedcompany',
        'business',
      ],
    },
    fill: true,
    merge: 'choose',
    condition: 'text',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'emails',
    column: 'emails',
    type: 'text[]',
    display: 'emails',
    label: 'Emails',
    access: 'controlled',
    required: true,
    search: true,
    export: true,
    import: {
      target: 'email',
      multi: true,
      aliases: ['email', 'emailaddress', 'email1', 'email2', 'workemail', 'primaryemail', 'secondaryemail', 'mail'],
    },
    merge: 'union',
    condition: 'list',
    timeline: true,
  },
  {
    key: 'phones',
    column: 'phones',
    type: 'text[]',
    display: 'phones',
    label: 'Phones',
    access: 'controlled',
    required: true,
    search: true,
    export: true,
    import: {
      target: 'phone',
      multi: true,
      aliases: [
        'phone',
        'phonenumber',
        'mobile',
        'mobilephone',
        'mobilephonenumber',
        'mobilenumber',
        'mobileno',
        'phoneno',
        'cell',
        'cellphone',
        'telephone',
        'tel',
        'contactnumber',
        'whatsapp',
        'whatsappnumber',
        'whatsappphonenumber',
        'workphone',
        'homephone',
      ],
    },
    merge: 'union',
    condition: 'list',
    timeline: true,
  },
  {
    key: 'stage',
    column: 'stage',
    type: 'text',
    display: 'stage',
    label: 'Stage',
    access: 'always',
    required: true,
    filter: { kind: 'keys' },
    sort: {},
    export: true,
    import: { aliases: ['leadstatus', 'status', 'stage', 'dealstage', 'leadstage', 'pipelinestage'] },
    merge: 'choose',
    condition: 'text',
    report: 'dimension',
  },
  {
    key: 'source',
    column: 'source',
    type: 'text',
    display: 'source',
    label: 'Source',
    access: 'controlled',
    required: true,
    filter: { kind: 'keys' },
    sort: {},
    export: true,
    import: { aliases: ['leadsource', 'source', 'originalsource', 'latestsource', 'sourcechannel'] },
    merge: 'choose',
    condition: 'text',
    timeline: true,
    report: 'dimension',
  },
  ...(['campaign', 'product', 'city', 'state', 'country', 'territory'] as const).map((key) => ({
    key,
    column: key,
    type: 'text' as const,
    display: 'text' as const,
    label: key.charAt(0).toUpperCase() + key.slice(1),
    access: 'controlled' as const,
    filter: { kind: 'text' as const },
    sort: {},
    export: true,
    import: { aliases: importAliases[key] },
    fill: true,
    merge: 'choose' as const,
    condition: 'text' as const,
    timeline: true,
    report: 'dimension' as const,
  })),
  {
    key: 'expectedValue',
    column: 'expected_value',
    type: 'numeric',
    display: 'money',
    label: 'Expected value',
    access: 'controlled',
    filter: { kind: 'range' },
    sort: {},
    export: true,
    import: {
      aliases: ['expectedvalue', 'amount', 'dealvalue', 'dealamount', 'value', 'closevalue', 'opportunityamount'],
    },
    fill: true,
    merge: 'choose',
    condition: 'number',
    timeline: true,
    report: 'measure',
  },
  {
    key: 'currency',
    column: 'currency',
    type: 'text',
    display: 'currency',
    label: 'Currency',
    access: 'controlled',
    filter: { kind: 'keys' },
    sort: {},
    export: true,
    import: { aliases: ['currency', 'currencycode', 'currencyisocode'] },
    fill: true,
    merge: 'choose',
    condition: 'text',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'expectedCloseDate',
    column: 'expected_close_date',
    type: 'date',
    display: 'date',
    label: 'Expected close date',
    access: 'controlled',
    filter: { kind: 'range' },
    sort: {},
    export: true,
    import: { aliases: ['expectedclosedate', 'closedate', 'expectedclose', 'closingdate'] },
    fill: true,
    merge: 'choose',
    condition: 'date',
    timeline: true,
    report: 'time',
  },
  {
    key: 'tags',
    column: 'tags',
    type: 'text[]',
    display: 'tags',
    label: 'Tags',
    access: 'controlled',
    required: true,
    filter: { kind: 'keys' },
    export: true,
    import: { multi: true, aliases: ['tags', 'tag', 'labels'] },
    merge: 'union',
    condition: 'list',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'notes',
    column: 'notes',
    type: 'text',
    display: 'longtext',
    label: 'Notes',
    access: 'controlled',
    export: true,
    import: { multi: true, aliases: ['notes', 'note', 'description', 'comments', 'comment', 'message', 'remarks'] },
    fill: true,
    merge: 'choose',
    condition: 'text',
    timeline: true,
  },
  {
    key: 'lostReason',
    column: 'lost_reason',
    type: 'text',
    display: 'longtext',
    label: 'Lost reason',
    access: 'controlled',
    filter: { kind: 'text' },
    sort: {},
    export: true,
    import: { aliases: ['lostreason', 'reasonlost', 'closedlostreason', 'lossreason'] },
    merge: 'choose',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'ownerId',
    column: 'owner_id',
    type: 'uuid',
    display: 'user',
    label: 'Owner',
    access: 'assignment',
    filter: { kind: 'keys' },
    sort: { by: 'ownerName', expr: 'o.name' },
    export: true,
    namedAs: 'ownerName',
    import: {
      target: 'owner',
      aliases: ['owner', 'leadowner', 'contactowner', 'assignedto', 'salesagent', 'salesrep', 'salesperson', 'agent'],
    },
    merge: 'choose',
    report: 'dimension',
  },
  {
    key: 'warriorIds',
    column: 'warrior_ids',
    type: 'uuid[]',
    display: 'users',
    label: 'Warriors',
    access: 'assignment',
    required: true,
    filter: { kind: 'keys', param: 'warriorId' },
    export: true,
    namedAs: 'warriors',
    merge: 'union',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'coSalesIds',
    column: 'co_sales_ids',
    type: 'uuid[]',
    display: 'users',
    label: 'Co-sales',
    access: 'assignment',
    required: true,
    filter: { kind: 'keys', param: 'coSalesId' },
    export: true,
    namedAs: 'coSales',
    merge: 'union',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'partnerId',
    column: 'partner_id',
    type: 'uuid',
    display: 'partner',
    label: 'Partner',
    access: 'assignment',
    filter: { kind: 'keys' },
    sort: { by: 'partnerName', expr: 'p.name' },
    export: true,
    namedAs: 'partnerName',
    merge: 'choose',
    condition: 'text',
    timeline: true,
    report: 'dimension',
  },
  {
    key: 'customFields',
    column: 'custom_fields',
    type: 'jsonb',
    display: 'custom',
    label: 'Custom fields',
    access: 'controlled',
    required: true,
    export: true,
    import: { aliases: [] },
    fill: true,
    timeline: true,
  },
  {
    key: 'createdBy',
    column: 'created_by',
    type: 'uuid',
    display: 'user',
    label: 'Created by',
    access: 'system',
    export: true,
    filter: { kind: 'keys' },
    report: 'dimension',
  },
  {
    key: 'createdVia',
    column: 'created_via',
    type: 'text',
    display: 'channel',
    label: 'Created via',
    access: 'system',
    required: true,
    export: true,
    report: 'dimension',
  },
  ...(
    [
      ['createdAt', 'created_at', 'Created at'],
      ['updatedAt', 'updated_at', 'Updated at'],
      ['stageChangedAt', 'stage_changed_at', 'In stage since'],
      ['lastTouchedAt', 'last_touched_at', 'Last worked at'],
    ] as const
  ).map(([key, column, label]) => ({
    key,
    column,
    type: 'timestamptz' as const,
    display: 'datetime' as const,
    label,
    access: 'system' as const,
    required: true,
    filter: { kind: 'range' as const },
    sort: {},
    export: true,
    ...(key in historyImports ? { import: historyImports[key as keyof typeof historyImports] } : {}),
    report: 'time' as const,
  })),
  {
    key: 'version',
    column: 'version',
    type: 'integer',
    display: 'integer',
    label: 'Version',
    access: 'system',
    required: true,
    export: true,
  },
  {
    key: 'score',
    column: 'score',
    from: { table: 'lead_scores', column: 'score' },
    type: 'integer',
    display: 'integer',
    label: 'Score',
    access: 'system',
    filter: { kind: 'range' },
    sort: {},
    export: true,
  },
  {
    key: 'scoreTier',
    column: 'score_tier',
    from: { table: 'lead_scores', column: 'tier' },
    type: 'text',
    display: 'tier',
    label: 'Score tier',
    access: 'system',
    options: ['hot', 'warm', 'cold'],
    filter: { kind: 'keys' },
    export: true,
  },
] as const satisfies readonly LeadFieldDef[];

type Catalog = (typeof leadCatalog)[number];
export type LeadFieldKey = Catalog['key'];

/** Columns of `leads` that are no field of the lead: tenancy, lifecycle and the search keys kept by triggers. */
export const internalLeadColumns = [
  'company_id',
  'company_key',
  'email_keys',
  'name_digits',
  'name_key',
  'search_text',
  'deleted_at',
  'deleted_by',
  'merged_into',
] as const;

export const leadFields: readonly LeadFieldDef[] = leadCatalog;

export function leadField(key: string): LeadFieldDef | undefined {
  return byKey.get(key);
}
const byKey = new Map<string, LeadFieldDef>(leadFields.map((f) => [f.key, f]));

/** The fields kept beside the lead (read `from` another table), and those that are columns of `leads` itself. */
export const besideFields: readonly LeadFieldDef[] = leadFields.filter((f) => f.from);
export const ownFields: readonly LeadFieldDef[] = leadFields.filter((f) => !f.from);

/** How the lead queries read a field on the alias `l`: `l.<column>`, or the alias of the table beside it, joined. */
export function fieldRef(f: LeadFieldDef): string {
  return f.from ? `${besideTables[f.from.table]}.${f.from.column}` : `l.${f.column}`;
}

/**
 * A condition on a field (written on `fieldRef`) that holds on its own wherever the lead is `l`: a field kept
 * beside the lead is tested in its table's row for the lead (no row: the condition does not hold), so counts,
 * reports and bulk actions need no join.
 */
export function fieldCondition(f: LeadFieldDef, condition: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  if (!f.from) return condition;
  const alias = sql.raw(besideTables[f.from.table]);
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(f.from.table)} ${alias}
    WHERE ${alias}.company_id = l.company_id AND ${alias}.lead_id = l.id AND ${condition})`;
}

export function leadFieldsWhere(test: (f: LeadFieldDef) => boolean): LeadFieldDef[] {
  return leadFields.filter(test);
}

/** API name -> column of `leads`, for every built-in field kept on the lead. */
export const columnOf: Readonly<Record<string, string>> = Object.fromEntries(ownFields.map((f) => [f.key, f.column]));
/** Column of `leads` -> API name. */
export const fieldOfColumn: Readonly<Record<string, string>> = Object.fromEntries(
  ownFields.map((f) => [f.column, f.key]),
);

type Keys<T> = T extends { key: infer K } ? K : never;
/** The fields whose visibility field permissions decide, in catalog order. */
export type ControlledField = Keys<Extract<Catalog, { access: 'controlled' | 'assignment' }>>;
export const controlledFields = leadFields
  .filter((f) => f.access === 'controlled' || f.access === 'assignment')
  .map((f) => f.key) as readonly ControlledField[];
/** The assignment fields: shown by field permissions, changed only through /assign. */
export const assignmentFields = leadFields
  .filter((f) => f.access === 'assignment')
  .map((f) => f.key) as readonly ControlledField[];

/** The field permission a field's visibility follows (null: always shown). */
export function accessFieldOf(key: string): ControlledField | null {
  const def = byKey.get(key);
  return def && (def.access === 'controlled' || def.access === 'assignment') ? (def.key as ControlledField) : null;
}

/** The catalog as the API and the web app see it (no SQL columns). */
export function publicCatalog() {
  return leadFields.map(({ column: _column, from: _from, sort, ...rest }: LeadFieldDef) => ({
    ...rest,
    ...(sort ? { sort: { by: sort.by ?? rest.key } } : {}),
  }));
}
