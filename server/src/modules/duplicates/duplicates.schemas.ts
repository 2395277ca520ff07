import { Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';
import { Lead } from '../leads/index.ts';
import { onDuplicateValues } from './duplicates.policy.ts';
import { policies, policyChannels } from './duplicates.settings.ts';

const Uuid = Type.String({ format: 'uuid' });
const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const MatchKeys = Type.Array(literals(['email', 'phone', 'name'] as const), {
  description: 'What matched: the same email, the same phone (E.164), or a similar name (and company name)',
});

export const DuplicateMatch = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    matchedOn: MatchKeys,
    score: Type.Number({ description: '1 for the same email or phone; else how alike the names are (0..1)' }),
    confidence: Type.Number({
      description:
        'How sure it is the same person (0..1), from everything that matched: high from 0.85 (e.g. same email and ' +
        'name), medium from 0.6 (e.g. same phone only), low below (a similar name only)',
    }),
  },
  { additionalProperties: false },
);

/** A match as a refused create names it (the 409's `duplicates`): the score only where it is known. */
export const DuplicateRef = Type.Object(
  { id: Uuid, name: Type.String(), matchedOn: MatchKeys, score: Type.Optional(Type.Number()) },
  { additionalProperties: false },
);

export const DuplicateList = Type.Object({ data: Type.Array(DuplicateMatch) }, { additionalProperties: false });

export const OnDuplicateQuery = Type.Object(
  {
    onDuplicate: Type.Optional(
      literals(
        onDuplicateValues,
        'What to do when the lead matches an existing one, instead of the company policy: `create` anyway ' +
          '(past a block: needs duplicates:override), `skip` (200, nothing written), `merge` (200: its values ' +
          'fill the empty fields of the best match you may see; needs leads:write, and 403 when you may read that lead but not change it)',
      ),
    ),
  },
  { additionalProperties: false },
);

/** A created lead; with `duplicates` when the policy warns (or a block was overridden) and it matched others. */
export const CreatedLead = Type.Object(
  {
    ...Lead.properties,
    duplicates: Type.Optional(
      Type.Array(DuplicateMatch, { description: 'The existing leads it matches that you may see (warn policy)' }),
    ),
  },
  { additionalProperties: false },
);

/** A skipped or merged create: no new lead. */
export const DuplicateOutcome = Type.Object(
  {
    status: literals(['skipped', 'merged'] as const),
    id: Nullable(Uuid, { description: 'The existing lead; null when skipped for a lead you may not see' }),
    lead: Type.Optional(Type.Ref('Lead')),
    duplicates: Type.Array(DuplicateMatch),
  },
  { additionalProperties: false },
);

export const DuplicateCheckBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    companyName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 254 }), { maxItems: 10 })),
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
    excludeId: Type.Optional(Type.String({ format: 'uuid', description: 'The lead being edited, left out' })),
  },
  { additionalProperties: false },
);

const PolicyValue = literals(policies);
export const Settings = Type.Object(
  {
    policies: Type.Object(
      Object.fromEntries(policyChannels.map((c) => [c, PolicyValue])) as Record<
        (typeof policyChannels)[number],
        typeof PolicyValue
      >,
      { additionalProperties: false },
    ),
    nameThreshold: Type.Number(),
    plusAddressing: Type.Boolean(),
    updatedAt: Nullable(Type.String({ format: 'date-time' })),
    updatedBy: Nullable(Uuid),
  },
  { additionalProperties: false },
);

export const SettingsBody = Type.Object(
  {
    policies: Type.Optional(
      Type.Object(
        Object.fromEntries(policyChannels.map((c) => [c, Type.Optional(PolicyValue)])) as Record<
          (typeof policyChannels)[number],
          ReturnType<typeof Type.Optional<typeof PolicyValue>>
        >,
        {
          additionalProperties: false,
          description: 'Per channel: block (409), warn (created, the matches listed) or allow (created silently)',
        },
      ),
    ),
    nameThreshold: Type.Optional(
      Type.Number({ minimum: 0.3, maximum: 1, description: 'Similarity (0.3..1) from which names count as alike' }),
    ),
    plusAddressing: Type.Optional(Type.Boolean({ description: 'Match a+tag@b.com with a@b.com' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ScanStatus = Type.Object(
  {
    id: Uuid,
    status: literals(['queued', 'running', 'done', 'failed'] as const),
    trigger: Type.String(),
    jobId: Nullable(Uuid),
    leadsTotal: Type.Integer(),
    leadsDone: Type.Integer(),
    pairsFound: Type.Integer(),
    groupsOpen: Type.Integer(),
    error: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Nullable(Type.String({ format: 'date-time' })),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const GroupStatusValues = ['open', 'merged', 'dismissed', 'resolved'] as const;

export const GroupMember = Type.Object(
  {
    lead: Type.Ref('Lead'),
    matchedOn: MatchKeys,
    state: literals(['live', 'merged', 'trashed'] as const),
    mergedInto: Nullable(Uuid),
  },
  { additionalProperties: false },
);

export const Group = Type.Object(
  {
    id: Uuid,
    status: literals(GroupStatusValues, 'resolved: no longer two live leads, none of them merged (e.g. trashed)'),
    confidence: Type.Number({
      description:
        'How sure the group is one person (0..1): its weakest link, each link as sure as what its two leads share ' +
        '(high from 0.85, medium from 0.6, low below)',
    }),
    matchedOn: MatchKeys,
    origin: literals(['create', 'scan'] as const),
    members: Type.Array(GroupMember, { description: 'The leads of the group you may see' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
    resolvedBy: Nullable(Uuid),
  },
  { additionalProperties: false },
);

export const GroupsQuery = Type.Object(
  {
    status: Type.Optional(literals([...GroupStatusValues, 'all'] as const, 'Default open')),
    leadId: Type.Optional(Type.String({ format: 'uuid', description: 'Groups holding this lead' })),
    limit: Limit,
    cursor: Cursor(500),
  },
  { additionalProperties: false },
);
