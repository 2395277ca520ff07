import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof ticketPriorities)[number];
export const ticketStatuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const union = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
  maxItems: 20,
  description: 'Free labels (at most 20, each at most 40 characters); stored trimmed, lower-case, once each',
});

/** Fields a person sets on create and may change later. */
const editable = {
  priority: Type.Optional(union(ticketPriorities, 'Sets the SLA targets (default normal)')),
  category: Type.Optional(Nullable(Text(60, 'Free text, e.g. billing, installation'))),
  requesterName: Type.Optional(Nullable(Text(200))),
  requesterEmail: Type.Optional(
    Nullable(Type.String({ format: 'email', maxLength: 254, description: 'Public replies are emailed here' })),
  ),
  assigneeId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'An active user; null: nobody' }))),
  tags: Type.Optional(Tags),
};

export const CreateTicketBody = Type.Object(
  {
    subject: Text(200),
    description: Type.String({ maxLength: 20_000 }),
    leadId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'The customer: a lead you can see. Required unless you are an admin, manager or customer success',
      }),
    ),
    ...editable,
  },
  { additionalProperties: false },
);
export type CreateTicketInput = Static<typeof CreateTicketBody>;

export const UpdateTicketBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    subject: Type.Optional(Text(200)),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    status: Type.Optional(union(ticketStatuses)),
    ...editable,
  },
  { additionalProperties: false },
);
export type UpdateTicketInput = Static<typeof UpdateTicketBody>;

export const ListTicketsQuery = Type.Object(
  {
    status: Type.Optional(union(ticketStatuses)),
    priority: Type.Optional(union(ticketPriorities)),
    assigneeId: Type.Optional(
      Type.String({
        pattern: '^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
        description: 'A user id, `me`, or `none` (unassigned)',
      }),
    ),
    leadId: Type.Optional(Uuid),
    breaching: Type.Optional(
      union(
        ['soon'] as const,
        '`soon`: tickets not solved or closed whose running SLA clock (first response until the first public ' +
          'reply, then resolution) is due within 2 hours or overdue, most urgent first',
      ),
    ),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in the subject, or a reference (T-1001)' })),
    cursor: Cursor(),
    limit: Limit,
  },
  { additionalProperties: false },
);
export type ListTicketsInput = Static<typeof ListTicketsQuery>;

const PersonRef = Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false });

const SlaClock = Type.Object(
  {
    dueAt: DateTime,
    stoppedAt: Nullable(DateTime, { description: 'The first public reply (first response) or the solve' }),
    breached: Type.Boolean({ description: 'Stopped after its due time, or still running past it' }),
  },
  { additionalProperties: false },
);

export const Ticket = Type.Object(
  {
    id: Uuid,
    reference: Type.String({ description: 'T-1001: sequential per company, in email subjects' }),
    subject: Type.String(),
    description: Type.String(),
    leadId: Nullable(Uuid),
    leadName: Nullable(Type.String()),
    requesterName: Nullable(Type.String()),
    requesterEmail: Nullable(Type.String()),
    priority: union(ticketPriorities),
    status: union(ticketStatuses),
    category: Nullable(Type.String()),
    assignee: Nullable(PersonRef),
    tags: Type.Array(Type.String()),
    sla: Type.Object(
      { firstResponse: SlaClock, resolution: SlaClock },
      { additionalProperties: false, description: 'Calendar hours from creation, by priority' },
    ),
    createdBy: PersonRef,
    createdAt: DateTime,
    updatedAt: DateTime,
    solvedAt: Nullable(DateTime),
    satisfaction: Type.Optional(
      Nullable(
        Type.Object(
          {
            rating: union(['good', 'bad'] as const),
            comment: Nullable(Type.String()),
            ratedAt: DateTime,
          },
          { additionalProperties: false },
        ),
        { description: 'The customer’s latest rating from a solve email (one ticket, and after a change); null: none' },
      ),
    ),
    channel: union(
      ['agent', 'support_form', 'email'] as const,
      'How it was opened: by a user, through the public support form, or by an email to the support mailbox',
    ),
    version: Type.Integer(),
  },
  { $id: 'Ticket', additionalProperties: false },
);

export const TicketPage = Type.Object(
  { data: Type.Array(Ticket), nextCursor: Nullable(Type.String(), { description: 'null on the last page' }) },
  { additionalProperties: false },
);

export const CreateMessageBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    internal: Type.Boolean({ description: 'An internal note (never sent) or a public reply (emailed)' }),
    fileIds: Type.Optional(
      Type.Array(Uuid, {
        maxItems: 20,
        uniqueItems: true,
        description: 'Files already attached to this ticket (POST /files with ticketId) that the message points at',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateMessageInput = Static<typeof CreateMessageBody>;

export const TicketMessage = Type.Object(
  {
    id: Uuid,
    ticketId: Uuid,
    author: Nullable(PersonRef, { description: 'The user who wrote it; null for a customer’s message (see from)' }),
    from: Nullable(
      Type.Object({ name: Nullable(Type.String()), email: Type.String() }, { additionalProperties: false }),
      { description: 'The customer who wrote it (an email to the support mailbox); null for users’ messages' },
    ),
    body: Type.String(),
    internal: Type.Boolean(),
    email: Nullable(
      Type.Object(
        {
          to: Type.String(),
          status: Type.String({ description: 'queued, sent or failed' }),
          error: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
      { description: 'A public reply emailed to the requester; null for notes and replies with no address' },
    ),
    files: Type.Array(
      Type.Object(
        { id: Uuid, name: Type.String(), size: Type.Integer(), contentType: Type.String() },
        { additionalProperties: false },
      ),
      { description: 'The ticket’s files the message points at (those still out of the trash)' },
    ),
    createdAt: DateTime,
  },
  { $id: 'TicketMessage', additionalProperties: false },
);

export const TicketMessageList = Type.Object({ data: Type.Array(TicketMessage) }, { additionalProperties: false });
