import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

export const activityTypes = ['follow_up', 'call', 'meeting', 'note'] as const;
export type ActivityType = (typeof activityTypes)[number];
export const activityStatuses = ['open', 'done', 'cancelled', 'missed'] as const;
export type ActivityStatus = (typeof activityStatuses)[number];
export const followUpChannels = ['call', 'meeting', 'demo', 'site_visit', 'email', 'whatsapp', 'other'] as const;
export const callResults = ['connected', 'no_answer', 'busy', 'voicemail', 'wrong_number', 'other'] as const;
/** The types that are planned ahead, reminded, and marked missed when their time passes. */
export const scheduledTypes: readonly ActivityType[] = ['follow_up', 'meeting'];

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const PersonRef = Type.Object({ id: Uuid, name: Type.String() });
/** One of a few strings, as a plain `enum` (clearer errors and documents than a union of literals). */
const union = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const nullableUnion = <T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null], description });

const ReminderMinutes = Type.Integer({
  minimum: 0,
  maximum: 10_080,
  description: 'Minutes before dueAt to remind the assignee (at most a week); null: their own preference',
});

/** Fields a person fills in on any activity, shared by create and update. */
const editable = {
  title: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Defaults to a title made of the type and lead' }),
  ),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  outcome: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'What came of it' }))),
  location: Type.Optional(Nullable(Type.String({ maxLength: 300, description: 'Meetings and site visits' }))),
  channel: Type.Optional(nullableUnion(followUpChannels, 'Follow-ups only: how it is to be done (default call)')),
  direction: Type.Optional(nullableUnion(['in', 'out'] as const, 'Logged calls only: inbound or outbound')),
  durationSeconds: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Calls and meetings: how long it took' })),
  ),
  callResult: Type.Optional(nullableUnion(callResults, 'Logged calls only')),
  assigneeId: Type.Optional(Uuid),
  dueAt: Type.Optional(DateTime),
  reminderMinutesBefore: Type.Optional(Nullable(ReminderMinutes)),
};

export const CreateActivityBody = Type.Object(
  {
    leadId: Uuid,
    type: union(activityTypes),
    ...editable,
    assigneeId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Who is to do it (default: you); must be someone who can see the lead',
      }),
    ),
    dueAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Required for follow-ups and meetings; for calls and notes, when it happened (default now)',
      }),
    ),
    status: Type.Optional(
      union(
        ['open', 'done'] as const,
        'Follow-ups and meetings start open; send done to log one that already happened. Calls and notes are done.',
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateActivityInput = Static<typeof CreateActivityBody>;

export const UpdateActivityBody = Type.Object(
  { ...editable, version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type UpdateActivityInput = Static<typeof UpdateActivityBody>;

/** The next step scheduled when an activity is completed. */
export const NextActivity = Type.Object(
  {
    type: union(['follow_up', 'meeting'] as const),
    dueAt: DateTime,
    title: editable.title,
    notes: editable.notes,
    channel: editable.channel,
    location: editable.location,
    assigneeId: Type.Optional(Type.String({ format: 'uuid', description: 'Default: the completed one’s assignee' })),
    reminderMinutesBefore: editable.reminderMinutesBefore,
  },
  { additionalProperties: false },
);
export type NextActivityInput = Static<typeof NextActivity>;

export const CompleteBody = Type.Object(
  {
    outcome: editable.outcome,
    notes: editable.notes,
    callResult: editable.callResult,
    durationSeconds: editable.durationSeconds,
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    next: Type.Optional(NextActivity),
  },
  { additionalProperties: false },
);
export type CompleteInput = Static<typeof CompleteBody>;

export const CancelBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Kept as the outcome' })),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const RescheduleBody = Type.Object(
  {
    dueAt: DateTime,
    assigneeId: Type.Optional(Uuid),
    reminderMinutesBefore: editable.reminderMinutesBefore,
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type RescheduleInput = Static<typeof RescheduleBody>;

export const ActivityRanges = ['today', 'overdue', 'this_week'] as const;

export const ListActivitiesQuery = Type.Object(
  {
    assigneeId: Type.Optional(Type.String({ pattern: '^(me|[0-9a-fA-F-]{36})$', description: 'A user id, or `me`' })),
    leadId: Type.Optional(Uuid),
    type: Type.Optional(Type.String({ maxLength: 100, description: 'One or more types, comma-separated' })),
    status: Type.Optional(Type.String({ maxLength: 100, description: 'One or more statuses, comma-separated' })),
    dueFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Due at or after (inclusive)' })),
    dueTo: Type.Optional(Type.String({ format: 'date-time', description: 'Due before (exclusive)' })),
    range: Type.Optional(
      union(
        ActivityRanges,
        'In your time zone: today; overdue (open or missed, due before now); this_week (Monday to Sunday)',
      ),
    ),
    sort: Type.Optional(union(['dueAt', '-dueAt'] as const, 'By due time, earliest first (default) or latest first')),
    limit: Limit,
    cursor: Cursor(300),
  },
  { additionalProperties: false },
);
export type ListActivitiesInput = Static<typeof ListActivitiesQuery>;

export const Activity = Type.Object(
  {
    id: Uuid,
    leadId: Uuid,
    leadName: Type.String(),
    type: union(activityTypes),
    channel: Nullable(Type.String()),
    status: union(activityStatuses),
    title: Type.String(),
    notes: Nullable(Type.String()),
    outcome: Nullable(Type.String()),
    location: Nullable(Type.String()),
    direction: Nullable(Type.String()),
    durationSeconds: Nullable(Type.Integer()),
    callResult: Nullable(Type.String()),
    assignee: PersonRef,
    dueAt: Type.String({ format: 'date-time', description: 'UTC' }),
    timezone: Type.String({ description: "The assignee's time zone (their availability's, else the company's)" }),
    dueAtLocal: Type.String({ description: "dueAt in the assignee's time zone, ISO 8601 with its offset" }),
    overdue: Type.Boolean({ description: 'Open or missed, and its due time has passed' }),
    reminderMinutesBefore: Nullable(Type.Integer()),
    remindAt: Nullable(Type.String({ format: 'date-time', description: 'The reminder still to come, if any' })),
    remindedAt: Nullable(Type.String({ format: 'date-time' })),
    missedAt: Nullable(Type.String({ format: 'date-time' })),
    createdBy: Nullable(PersonRef),
    createdAt: DateTime,
    updatedAt: DateTime,
    completedAt: Nullable(Type.String({ format: 'date-time' })),
    completedBy: Nullable(PersonRef),
    cancelledAt: Nullable(Type.String({ format: 'date-time' })),
    cancelledBy: Nullable(PersonRef),
    previousId: Nullable(Type.String({ format: 'uuid', description: 'The activity whose completion scheduled it' })),
    version: Type.Integer(),
  },
  { additionalProperties: false },
);

export const CompleteResult = Type.Object(
  { activity: Activity, next: Nullable(Activity, { description: 'The activity scheduled next, if asked for' }) },
  { additionalProperties: false },
);
