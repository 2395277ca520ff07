import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List } from '../../http/schemas.ts';
import {
  AcceptBody,
  DimensionQuery,
  ListQuery,
  OwnerPerformance,
  PreviewResult,
  Recommendation,
  RefreshQueued,
} from './recommendations.schemas.ts';
import * as service from './recommendations.service.ts';

const tags = ['insights'];
const WHO =
  'For admins (insights:manage): the evidence names colleagues and compares them across the whole company, and ' +
  'accepting changes how every new lead is routed.';

/** Assignment recommendations from the company's own history, and the owner-performance evidence behind them. */
export function recommendationsRoutes(app: App, deps: Deps): void {
  app.get(
    '/insights/recommendations',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Assignment recommendations: proposed, accepted (with their outcome) and dismissed, newest first',
        description: `Drawn weekly (and on demand) from the closed leads of the last 12 months; see docs/insights.md. ${WHO}`,
        querystring: ListQuery,
        response: { 200: List(Recommendation) },
      },
    },
    (request) => service.listRecommendations(deps, contextOf(request), request.query),
  );

  app.post(
    '/insights/recommendations/refresh',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Draw the recommendations again now, in the background (they are also drawn every Monday)',
        response: { 202: RefreshQueued },
      },
    },
    async (request, reply) => reply.code(202).send(await service.requestRefresh(deps, contextOf(request))),
  );

  app.get(
    '/insights/owner-performance',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Which owners convert which values of a lead field, at what load: the evidence table',
        description:
          'Closed leads of the last 12 months by value and owner: leads, won, win rate with its 95% Wilson ' +
          'interval and an empirical-Bayes adjusted rate, median speed to lead (from the assignment to the first ' +
          `touch), average open leads at assignment; and each owner's win rate by load band. ${WHO}`,
        querystring: DimensionQuery,
        response: { 200: OwnerPerformance },
      },
    },
    (request) => service.ownerPerformance(deps, contextOf(request), request.query.dimension),
  );

  app.get(
    '/insights/recommendations/:id',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'One recommendation, with its evidence, expected effect and (once accepted) outcome',
        params: IdParams,
        response: { 200: Recommendation },
      },
    },
    (request) => service.getRecommendation(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/insights/recommendations/:id/accept',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Accept: create the proposed assignment rule (or set the proposed cap)',
        description:
          'A rule is created as on the assignment settings (the same checks; 422 naming `userIds.N` when an ' +
          'owner is no longer an active salesperson), on or off as `active` says, at `position` (1 = first, the ' +
          'default). A cap sets the owner’s open-lead cap (`active` and `position` do not apply). 409 when the ' +
          'recommendation was already accepted or dismissed.',
        params: IdParams,
        body: AcceptBody,
        response: { 200: Recommendation },
      },
    },
    (request) => service.acceptRecommendation(deps, contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/insights/recommendations/:id/dismiss',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Dismiss: the same proposal is not made again for 90 days',
        params: IdParams,
        response: { 200: Recommendation },
      },
    },
    (request) => service.dismissRecommendation(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/insights/recommendations/:id/preview',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'What the proposed rule would decide for recent leads, beside what the rules decide today',
        description:
          'Runs the assignment rule test on up to 10 recent leads with the value and 5 without it; writes ' +
          'nothing. A cap recommendation has no preview (422).',
        params: IdParams,
        response: { 200: PreviewResult },
      },
    },
    (request) => service.previewRecommendation(deps, contextOf(request), request.params.id),
  );
}
