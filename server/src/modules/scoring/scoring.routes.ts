import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, NoContent } from '../../http/schemas.ts';
import {
  Accepted,
  BehaviourList,
  CreateRuleBody,
  LeadScore,
  Model,
  ModelList,
  Rule,
  RuleList,
  Settings,
  Status,
  TrainingStarted,
  UpdateRuleBody,
} from './scoring.schemas.ts';
import * as service from './scoring.service.ts';

/** Lead scoring: settings, rules, models, status and rescoring (admins), and a lead's score (who sees the lead). */
export function scoringRoutes(app: App, deps: Deps): void {
  const manage = { permission: 'scoring:manage' as const };
  const tags = ['scoring'];

  app.get(
    '/scoring/settings',
    {
      config: manage,
      schema: { tags, summary: 'Tier thresholds, the model’s horizon and retraining', response: { 200: Settings } },
    },
    (request) => service.getSettings(deps, contextOf(request)),
  );
  app.put(
    '/scoring/settings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Set tier thresholds (warmFrom below hotFrom), the horizon and the retraining interval',
        description: 'A change of the thresholds rescores every lead.',
        body: Settings,
        response: { 200: Settings },
      },
    },
    (request) => service.putSettings(deps, contextOf(request), request.body),
  );
  app.get(
    '/scoring/behaviours',
    {
      config: manage,
      schema: { tags, summary: 'The behaviours a rule may give points for', response: { 200: BehaviourList } },
    },
    () => service.listBehaviours(),
  );

  app.get(
    '/scoring/rules',
    { config: manage, schema: { tags, summary: 'The score rules, in order', response: { 200: RuleList } } },
    (request) => service.listRules(deps, contextOf(request)),
  );
  app.post(
    '/scoring/rules',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add a rule: points for a field’s value or for a behaviour',
        description:
          'A field rule names a lead field (GET /leads/catalog: an import, filter or report field, or ' +
          'customFields.<key>) and an operator its type takes; a behaviour rule names one of GET ' +
          '/scoring/behaviours. Every live lead is rescored.',
        body: CreateRuleBody,
        response: { 201: Rule },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createRule(deps, contextOf(request), request.body)),
  );
  app.patch(
    '/scoring/rules/:id',
    {
      config: manage,
      schema: { tags, summary: 'Change a rule', params: IdParams, body: UpdateRuleBody, response: { 200: Rule } },
    },
    (request) => service.updateRule(deps, contextOf(request), request.params.id, request.body),
  );
  app.delete(
    '/scoring/rules/:id',
    { config: manage, schema: { tags, summary: 'Remove a rule', params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await service.deleteRule(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/scoring/models',
    { config: manage, schema: { tags, summary: 'The company’s models, newest first', response: { 200: ModelList } } },
    (request) => service.listModels(deps, contextOf(request)),
  );
  app.get(
    '/scoring/models/:id',
    { config: manage, schema: { tags, summary: 'A model', params: IdParams, response: { 200: Model } } },
    (request) => service.getModel(deps, contextOf(request), request.params.id),
  );
  app.post(
    '/scoring/models',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Train a model now on the company’s closed leads (a job does the work)',
        description:
          'The model ends a candidate with its hold-out quality, or failed with the reason (too few closed leads: ' +
          'how many there are and are needed). A candidate scores nothing until it is activated.',
        response: { 202: TrainingStarted },
      },
    },
    async (request, reply) => reply.code(202).send(await service.startTraining(deps, contextOf(request))),
  );
  app.post(
    '/scoring/models/:id/activate',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Switch a model on (a candidate, or a retired one to roll back); the active one is retired',
        params: IdParams,
        response: { 200: Model },
      },
    },
    (request) => service.activateModel(deps, contextOf(request), request.params.id),
  );
  app.post(
    '/scoring/models/:id/retire',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Switch a model off: scores fall back to the rules',
        params: IdParams,
        response: { 200: Model },
      },
    },
    (request) => service.retireModel(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/scoring/status',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Closed leads against the training threshold, the active model',
        response: { 200: Status },
      },
    },
    (request) => service.status(deps, contextOf(request)),
  );
  app.post(
    '/scoring/rescore',
    { config: manage, schema: { tags, summary: 'Rescore every live lead now (a job)', response: { 202: Accepted } } },
    async (request, reply) => reply.code(202).send(await service.requestRescore(deps, contextOf(request))),
  );

  app.get(
    '/leads/:id/score',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads', 'scoring'],
        summary: 'A lead’s score, tier and the reasons behind it',
        description:
          'score null: not scored yet. Reasons from fields your role cannot see are left out. A lead you do ' +
          'not see is 404.',
        params: IdParams,
        response: { 200: LeadScore },
      },
    },
    (request) => service.leadScore(deps, contextOf(request), request.params.id),
  );
}
