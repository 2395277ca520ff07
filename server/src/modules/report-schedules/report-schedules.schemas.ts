import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { rangePresets } from '../reports/index.ts';

export const MAX_RECIPIENTS = 50;

const Name = Type.String({ minLength: 1, maxLength: 120 });
const ReportKey = Type.String({
  minLength: 1,
  maxLength: 80,
  pattern: '^[A-Za-z0-9_.-]+$',
  description: 'A report key from GET /reports: a pre-built report’s slug or a saved report’s id',
});
const Frequency = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')], {
  description: 'How often it is sent',
});
const At = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'The time of day it is sent, HH:MM on the company’s clock (its time zone, daylight saving included)',
});
const Weekday = Type.Integer({
  minimum: 1,
  maximum: 7,
  description: 'Weekly schedules only (and required there): the day, 1 Monday … 7 Sunday',
});
const DayOfMonth = Type.Integer({
  minimum: 1,
  maximum: 28,
  description: 'Monthly schedules only (and required there): the day of the month, 1-28 (every month has it)',
});
const Range = Type.Enum(rangePresets, {
  description:
    'The period the report covers, counted from the day it is sent in the company’s zone. Default: yesterday ' +
    '(daily), lastWeek (weekly), lastMonth (monthly); a pre-built report about the present (its own window ' +
    'all) stays all',
});
const Recipients = Type.Array(Type.String({ format: 'uuid' }), {
  minItems: 1,
  maxItems: MAX_RECIPIENTS,
  description:
    'Users of the company, among those you may see. Each receives the report as they themselves may see it; ' +
    'each must be able to run it',
});
const Format = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], {
  description: 'The attached file (default csv)',
});

export const CreateScheduleBody = Type.Object(
  {
    name: Name,
    report: ReportKey,
    frequency: Frequency,
    at: At,
    weekday: Type.Optional(Weekday),
    dayOfMonth: Type.Optional(DayOfMonth),
    range: Type.Optional(Range),
    recipients: Recipients,
    format: Type.Optional(Format),
    active: Type.Optional(Type.Boolean({ description: 'Default true; an inactive schedule sends nothing' })),
  },
  { additionalProperties: false },
);
export type CreateScheduleInput = Static<typeof CreateScheduleBody>;

export const UpdateScheduleBody = Type.Object(
  {
    name: Type.Optional(Name),
    report: Type.Optional(ReportKey),
    frequency: Type.Optional(Frequency),
    at: Type.Optional(At),
    weekday: Type.Optional(Nullable(Weekday)),
    dayOfMonth: Type.Optional(Nullable(DayOfMonth)),
    range: Type.Optional(Range),
    recipients: Type.Optional(Recipients),
    format: Type.Optional(Format),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateScheduleInput = Static<typeof UpdateScheduleBody>;

const Instant = Type.String({ format: 'date-time' });

export const ReportSchedule = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    report: Type.String({ description: 'The report’s key' }),
    reportName: Nullable(Type.String(), { description: 'null when you can no longer see the report' }),
    frequency: Frequency,
    at: Type.String({ description: 'HH:MM on the company’s clock' }),
    weekday: Nullable(Type.Integer()),
    dayOfMonth: Nullable(Type.Integer()),
    timeZone: Type.String({ description: 'The company’s time zone, which `at` is read in' }),
    range: Type.String({ description: `The period each run covers: ${rangePresets.join(', ')}` }),
    recipients: Type.Array(
      Type.Object(
        { id: Type.String({ format: 'uuid' }), name: Type.String(), active: Type.Boolean() },
        { additionalProperties: false },
      ),
    ),
    format: Format,
    active: Type.Boolean(),
    nextRunAt: Instant,
    lastRunAt: Nullable(Instant),
    lastError: Nullable(Type.String(), {
      description: 'What the last run could not do (a recipient skipped, no email server); null when all went',
    }),
    ownerId: Type.String({ format: 'uuid' }),
    ownerName: Type.String(),
    editable: Type.Boolean(),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { $id: 'ReportSchedule', additionalProperties: false },
);

export const Delivery = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    name: Type.String(),
    status: Type.Union([Type.Literal('queued'), Type.Literal('failed'), Type.Literal('skipped')], {
      description:
        'queued: the email waits in the outbox (GET /emails/{messageId}); failed: recorded as failed (no email ' +
        'server); skipped: the recipient may not run the report now (see reason)',
    }),
    messageId: Nullable(Type.String({ format: 'uuid' })),
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const SendNowResult = Type.Object(
  { schedule: ReportSchedule, deliveries: Type.Array(Delivery) },
  { additionalProperties: false },
);
