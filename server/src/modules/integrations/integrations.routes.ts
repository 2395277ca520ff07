import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Connection, ConnectionList, ConnectionParams } from './integrations.schemas.ts';
import * as service from './integrations.service.ts';

/** The integrations home: every connection of the company at a glance, and pause/resume where a kind has it. */
export function integrationsRoutes(app: App, deps: Deps): void {
  app.get(
    '/integrations',
    {
      config: { permission: 'integrations:read' },
      schema: {
        tags: ['integrations'],
        summary: 'Every connection of the company: web forms, email, WhatsApp, webhook endpoints, Facebook pages',
        description:
          'Each with its status (connected, paused, broken or not_configured), last success, last error and ' +
          'counts since midnight in the company’s time zone. No credential is ever returned.',
        response: { 200: ConnectionList },
      },
    },
    (request) => service.listConnections(deps, contextOf(request)),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/integrations/:kind/:id/${action}`,
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags: ['integrations'],
          summary:
            action === 'pause'
              ? 'Pause a connection (disable a webhook endpoint, deactivate a web form)'
              : 'Resume a paused connection (enable a webhook endpoint, activate a web form)',
          description:
            'Audited by the connection’s own module. A kind that cannot pause (email, whatsapp, facebook_page) ' +
            'or an unknown one is 400 naming `kind`; an id the company does not have is 404.',
          params: ConnectionParams,
          response: { 200: Connection },
        },
      },
      (request) =>
        service.setPaused(deps, contextOf(request), request.params.kind, request.params.id, action === 'pause'),
    );
  }
}
