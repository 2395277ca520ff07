import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams } from '../../http/schemas.ts';
import { AtRiskPage, AtRiskQuery, AtRiskSummary, LeadRisk, ScanQueued } from './risk.schemas.ts';
import * as service from './risk.service.ts';

const tags = ['insights'];

/** At-risk leads: the list, its summary for the dashboard, one lead's flag, and a scan on demand. */
export function riskRoutes(app: App, deps: Deps): void {
  app.get(
    '/insights/at-risk',
    {
      config: { permission: 'insights:read' },
      schema: {
        tags,
        summary: 'The at-risk leads you may see, most severe first, each with its reasons in words',
        description:
          'Flagged by the daily scan (see docs/insights.md): no touch for longer than the stage usually allows, ' +
          'longer in the stage than 9 in 10 leads that left it, overdue follow-ups, a close date pushed later ' +
          'twice or more, the owner on leave; "no next step" adds to those but does not flag a lead alone. ' +
          'A salesperson sees its own leads, a manager its team’s, an admin every lead; a reason about a field ' +
          'your role cannot see is left out.',
        querystring: AtRiskQuery,
        response: { 200: AtRiskPage },
      },
    },
    (request) => service.listAtRisk(deps, contextOf(request), request.query),
  );

  app.get(
    '/insights/at-risk/summary',
    {
      config: { permission: 'insights:read' },
      schema: {
        tags,
        summary: 'How many of the leads you may see are at risk, by reason and by owner (the dashboard card)',
        response: { 200: AtRiskSummary },
      },
    },
    (request) => service.atRiskSummary(deps, contextOf(request)),
  );

  app.post(
    '/insights/at-risk/scan',
    {
      config: { permission: 'insights:manage' },
      schema: {
        tags,
        summary: 'Run the at-risk scan now, in the background (it also runs every morning)',
        response: { 202: ScanQueued },
      },
    },
    async (request, reply) => reply.code(202).send(await service.requestScan(deps, contextOf(request))),
  );

  app.get(
    '/leads/:id/risk',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads', ...tags],
        summary: 'Whether the lead is at risk, and why (as of the last scan)',
        description: 'A lead you cannot see is 404.',
        params: IdParams,
        response: { 200: LeadRisk },
      },
    },
    (request) => service.leadRisk(deps, contextOf(request), request.params.id),
  );
}
