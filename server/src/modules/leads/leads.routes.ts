import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, Nullable, Page } from '../../http/schemas.ts';
import { CreatedLead, DuplicateOutcome, type OnDuplicate, OnDuplicateQuery } from '../duplicates/index.ts';

import { can } from '../users/index.ts';
import { assignLead, assignmentHistory } from './lead-assign.ts';
import { BulkCreateBody, BulkCreateResult, bulkValidatorCompiler, createLeadsInBulk } from './leads.bulk.ts';
import { createLeadOnce, IdempotencyHeaders, idempotencyKeyOf } from './leads.idempotency.ts';
import { listLeads } from './leads.list.ts';
import {
  AssignBody,
  CreateLeadBody,
  ListLeadsQuery,
  MoveStageBody,
  StageHistoryEntry,
  UpdateLeadBody,
} from './leads.schemas.ts';
import * as service from './leads.service.ts';

const LeadRef = Type.Ref('Lead');
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });

export const Assignment = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    at: Type.String({ format: 'date-time' }),
    byUserId: Nullable(Type.String({ format: 'uuid' }), { description: 'null when the rules decided' }),
    byUserName: Nullable(Type.String()),
    channel: Type.String(),
    reason: Type.String({ description: 'rule, manual, sla or unassigned' }),
    ruleId: Nullable(Type.String({ format: 'uuid' })),
    ruleName: Nullable(Type.String()),
    strategy: Nullable(Type.String()),
    ownerId: Nullable(Type.String({ format: 'uuid' })),
    ownerName: Nullable(Type.String()),
    previousOwnerId: Nullable(Type.String({ format: 'uuid' })),
    slaDueAt: Nullable(Type.String({ format: 'date-time' })),
    candidates: Type.Array(
      Type.Object({
        userId: Type.String(),
        name: Type.String(),
        chosen: Type.Boolean(),
        skipped: Nullable(Type.String()),
      }),
    ),
    detail: Nullable(Type.String()),
  },
  { $id: 'Assignment', additionalProperties: false },
);

export function leadsRoutes(app: App, deps: Deps): void {
  app.post(
    '/leads',
    {
      config: { permission: 'leads:create' },
      schema: {
        tags: ['leads'],
        summary: 'Create a lead; the assignment rules pick its owner unless the body assigns it',
        description:
          'A lead matching an existing one (same email or phone, similar name and company) is handled by the ' +
          "company's duplicate policy for the channel: block (409 `duplicate_lead` listing the matches you may " +
          'see), warn (201 with `duplicates`) or allow; `onDuplicate` overrides it per call.',
        headers: IdempotencyHeaders,
        querystring: OnDuplicateQuery,
        body: CreateLeadBody,
        response: { 201: CreatedLead, 200: DuplicateOutcome },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const { onDuplicate } = request.query;
      const result = await createLeadOnce(deps, contextOf(request), request.body, key, onDuplicate);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      if (result.status === 201) reply.header('etag', `"${result.body.version}"`);
      // The body is the created lead (201) or the skip/merge outcome (200), as createAnswer built it.
      return reply.code(result.status as 201).send(result.body as never);
    },
  );

  app.post(
    '/leads/bulk',
    {
      config: { permission: 'leads:create' },
      validatorCompiler: bulkValidatorCompiler,
      schema: {
        tags: ['leads'],
        summary: 'Create up to 500 leads; each item succeeds or fails on its own, with its own status',
        headers: IdempotencyHeaders,
        querystring: OnDuplicateQuery,
        body: BulkCreateBody,
        response: { 200: BulkCreateResult },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const items = (request.body as { leads: unknown[] }).leads;
      const { onDuplicate } = request.query as { onDuplicate?: OnDuplicate };
      const result = await createLeadsInBulk(deps, contextOf(request), items, key, onDuplicate);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(200).send(result.body);
    },
  );

  app.get(
    '/leads',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'Leads the caller may see',
        description:
          'Filters combine with AND; a comma-separated or repeated parameter matches any of its values. Custom ' +
          'fields filter as `cf.<key>=value` (repeat for any of several; select and multi-select match an option, ' +
          'booleans take true or false) and `cf.<key>.min` / `cf.<key>.max` for number and date fields. `q` ' +
          'matches name, company, email and phone (any format) word by word, tolerating typos when nothing ' +
          'matches exactly. A field your role may not see cannot be filtered or sorted by (400). The cursor ' +
          'belongs to the sort it was issued for.',
        querystring: ListLeadsQuery,
        response: { 200: Page(LeadRef) },
      },
    },
    (request) => listLeads(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/leads/:id',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'One lead; a lead merged into another answers 301 with the Location of the survivor',
        params: IdParams,
        response: {
          200: LeadRef,
          301: Type.Null({
            description:
              'The lead was merged away: Location names the survivor (the end of a chain of merges). Not ' +
              'cacheable, since undoing the merge brings the lead back. 404 when you may not see the survivor.',
          }),
        },
      },
    },
    async (request, reply) => {
      const found = await service.getLead(deps, contextOf(request), request.params.id);
      if ('movedTo' in found) {
        return reply
          .code(301)
          .header('location', `/api/v1/leads/${found.movedTo}`)
          .header('cache-control', 'no-store')
          .send();
      }
      return reply.header('etag', `"${found.lead.version}"`).send(found.lead);
    },
  );

  app.patch(
    '/leads/:id',
    {
      config: { permission: 'leads:write' },
      schema: {
        tags: ['leads'],
        summary: 'Change fields of a lead; carries the version read (or If-Match); a stale one answers 409',
        params: IdParams,
        headers: IfMatch,
        body: UpdateLeadBody,
        response: { 200: LeadRef },
      },
    },
    async (request, reply) => {
      const lead = await service.updateLead(
        deps,
        contextOf(request),
        request.params.id,
        request.body,
        request.headers['if-match'],
      );
      return reply.header('etag', `"${lead.version}"`).send(lead);
    },
  );

  app.post(
    '/leads/:id/stage',
    {
      config: { permission: 'leads:write' },
      schema: {
        tags: ['leads'],
        summary: "Move a lead to a stage, with the fields that stage requires (e.g. Won's value)",
        params: IdParams,
        headers: IfMatch,
        body: MoveStageBody,
        response: { 200: LeadRef },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const lead = await service.moveStage(
        deps,
        ctx,
        request.params.id,
        request.body,
        request.headers['if-match'],
        can(ctx.actor.role, 'leads:reopen'),
      );
      return reply.header('etag', `"${lead.version}"`).send(lead);
    },
  );

  app.get(
    '/leads/:id/stage-history',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'Every stage move of a lead, oldest first, with the time spent in the previous stage',
        params: IdParams,
        response: { 200: List(StageHistoryEntry) },
      },
    },
    (request) => service.stageHistory(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/leads/:id/assign',
    {
      config: { permission: 'leads:assign' },
      schema: {
        tags: ['leads'],
        summary: 'Assign or reassign the owner, warriors, co-sales or partner of a lead, within your reach',
        params: IdParams,
        headers: IfMatch,
        body: AssignBody,
        response: { 200: LeadRef },
      },
    },
    (request) => assignLead(deps, contextOf(request), request.params.id, request.body, request.headers['if-match']),
  );

  app.get(
    '/leads/:id/assignment',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'Why the lead is assigned as it is: the rule, the strategy, every candidate considered',
        params: IdParams,
        response: {
          200: Type.Object({
            current: Type.Union([Type.Ref('Assignment'), Type.Null()]),
            history: Type.Array(Type.Ref('Assignment')),
          }),
        },
      },
    },
    (request) => assignmentHistory(deps, contextOf(request), request.params.id),
  );
}
