import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import {
  CreateRuleBody,
  ReorderBody,
  Rule,
  TestRuleBody,
  TestRuleResult,
  UpdateRuleBody,
} from './assignment.schemas.ts';
import * as service from './assignment.service.ts';
import { availabilityRoutes } from './availability.routes.ts';

const tags = ['assignment'];

/** Assignment rules, their preview, and each user's availability and caps. */
export function assignmentRoutes(app: App, deps: Deps): void {
  app.get(
    '/assignment-rules',
    {
      config: { permission: 'assignment:manage' },
      schema: {
        tags,
        summary: 'The assignment rules in evaluation order (first match wins; the default last)',
        response: { 200: List(Rule) },
      },
    },
    (request) => service.listRules(deps, contextOf(request)),
  );

  app.post(
    '/assignment-rules',
    {
      config: { permission: 'assignment:manage' },
      schema: {
        tags,
        summary: 'Add a rule at the end of the list (before the default)',
        description:
          'Conditions: `[{field, op, value?, values?, min?, max?, not?}]`, all must hold. `field` is a lead field in API terms or `customFields.<key>`. `op`: equals (value), in (values), contains (value), range (min/max, numbers or YYYY-MM-DD, inclusive), is_empty, territory (values; matches territory, state or city, no field). Text compares without case; a list field matches when any element does.',
        body: CreateRuleBody,
        response: { 201: Rule },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createRule(deps, contextOf(request), request.body)),
  );

  app.post(
    '/assignment-rules/reorder',
    {
      config: { permission: 'assignment:manage' },
      schema: {
        tags,
        summary: 'Set the order of evaluation',
        body: ReorderBody,
        response: { 200: List(Rule) },
      },
    },
    (request) => service.reorderRules(deps, contextOf(request), request.body.ids),
  );

  app.post(
    '/assignment-rules/test',
    {
      config: { permission: 'assignment:manage' },
      schema: {
        tags,
        summary: 'Test a draft rule, a saved rule, or the whole list on a sample lead; writes nothing',
        body: TestRuleBody,
        response: { 200: TestRuleResult },
      },
    },
    (request) => service.testRule(deps, contextOf(request), request.body),
  );

  app.get(
    '/assignment-rules/:id',
    {
      config: { permission: 'assignment:manage' },
      schema: { tags, summary: 'One assignment rule', params: IdParams, response: { 200: Rule } },
    },
    (request) => service.getRule(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/assignment-rules/:id',
    {
      config: { permission: 'assignment:manage' },
      schema: {
        tags,
        summary: 'Change a rule; a new strategy, user list or weights restarts its rotation',
        params: IdParams,
        body: UpdateRuleBody,
        response: { 200: Rule },
      },
    },
    (request) => service.updateRule(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/assignment-rules/:id',
    {
      config: { permission: 'assignment:manage' },
      schema: { tags, summary: 'Delete a rule', params: IdParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await service.deleteRule(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  availabilityRoutes(app, deps);
}
