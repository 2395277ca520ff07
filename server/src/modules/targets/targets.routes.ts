import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { PutTargetsBody, Target, TargetList, TargetsQuery } from './targets.schemas.ts';
import * as service from './targets.service.ts';

/** Targets per user, team, partner or territory and month or quarter, with what each has achieved. */
export function targetsRoutes(app: App, deps: Deps): void {
  app.get(
    '/targets',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['targets'],
        summary: 'The targets of a month or quarter you may see, with what each has achieved so far',
        description:
          'An admin sees every target; a manager its subtree’s users and teams, and the partner and territory ' +
          'targets; anyone else its own (a partner’s user its partner’s too). Achieved figures come from the ' +
          'reports’ semantic layer over the records you may see: won value and count by the date leads were won, ' +
          'new leads by their created date, calls by their due date.',
        querystring: TargetsQuery,
        response: { 200: TargetList },
      },
    },
    (request) => service.listTargets(deps, contextOf(request), request.query),
  );

  app.put(
    '/targets',
    {
      config: { permission: 'targets:manage' },
      schema: {
        tags: ['targets'],
        summary: 'Set targets: each item the whole target of its scope for a month or quarter (all or none)',
        description:
          'An admin sets any target; a manager the users and teams of its subtree (itself included). A partner ' +
          'or territory target set by a manager is 403; a user outside its subtree 404, as any user it cannot see.',
        body: PutTargetsBody,
        response: { 200: List(Target) },
      },
    },
    (request) => service.putTargets(deps, contextOf(request), request.body),
  );

  app.delete(
    '/targets/:id',
    {
      config: { permission: 'targets:manage' },
      schema: {
        tags: ['targets'],
        summary: 'Remove a target',
        description:
          'An admin removes any target; a manager the user and team targets of its subtree (a partner or ' +
          'territory target is 403). A target you do not see is 404.',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteTarget(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
