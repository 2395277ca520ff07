import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { IdParams, List, NoContent, Page } from '../../http/schemas.ts';
import {
  CreateTemplateBody,
  EmailMessage,
  EmailSettings,
  ListMessagesQuery,
  ListTemplatesQuery,
  PageQuery,
  Preview,
  PreviewBody,
  PutSettingsBody,
  PutSignatureBody,
  SendBody,
  Signature,
  Template,
  TestBody,
  TestResult,
  TokenParams,
  UpdateTemplateBody,
  Variable,
} from './email.schemas.ts';
import * as service from './email.service.ts';
import * as settings from './email.settings.ts';
import { recordClick, recordOpen } from './email.tracking.ts';
import * as templates from './templates.service.ts';

const tags = ['email'];
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const NO_STORE = 'no-store, no-cache, must-revalidate, private';

/** Outgoing email: SMTP settings, signatures, templates, preview, sending to leads, the outbox and tracking. */
export function emailRoutes(app: App, deps: Deps): void {
  // Where tracking links point: the configured public URL, else the address the sender reached us at.
  const baseUrl = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
  const manage = { permission: 'email:manage' as const };
  const send = { permission: 'email:send' as const };

  app.get(
    '/email/settings',
    {
      config: manage,
      schema: { tags, summary: "The company's outgoing email server", response: { 200: EmailSettings } },
    },
    (request) => settings.getSettings(deps, contextOf(request)),
  );
  app.put(
    '/email/settings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Set the outgoing email server (SMTP); the password is stored encrypted and never returned',
        body: PutSettingsBody,
        response: { 200: EmailSettings },
      },
    },
    (request) => settings.putSettings(deps, contextOf(request), request.body),
  );
  app.delete(
    '/email/settings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Remove the outgoing email server; sending answers 422 until one is set',
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await settings.deleteSettings(deps, contextOf(request));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/email/settings/test',
    {
      config: manage,
      schema: {
        tags,
        summary: "Send a test email now with the saved settings; answers with the server's reply",
        description:
          'A failure is a 502 problem saying what went wrong: `smtp_unreachable`, `smtp_auth_failed`, `smtp_tls_failed` ' +
          'or `smtp_rejected`, with `serverReply` and `responseCode` when the server answered.',
        body: TestBody,
        response: { 200: TestResult },
      },
    },
    (request) => settings.sendTestEmail(deps, contextOf(request), request.body.to),
  );

  app.get(
    '/email/signature',
    { config: send, schema: { tags, summary: 'Your email signature and phone', response: { 200: Signature } } },
    (request) => settings.getSignature(deps, contextOf(request)),
  );
  app.put(
    '/email/signature',
    {
      config: send,
      schema: {
        tags,
        summary: 'Set your email signature and phone',
        body: PutSignatureBody,
        response: { 200: Signature },
      },
    },
    (request) => settings.putSignature(deps, contextOf(request), request.body),
  );
  app.get(
    '/email/variables',
    {
      config: send,
      schema: {
        tags,
        summary: 'The variables a template may use, with custom fields',
        response: { 200: List(Variable) },
      },
    },
    (request) => templates.listVariables(deps, contextOf(request)),
  );

  app.get(
    '/email/templates',
    {
      config: send,
      schema: {
        tags,
        summary: "Company templates and the caller's personal ones",
        querystring: ListTemplatesQuery,
        response: { 200: List(Template) },
      },
    },
    (request) => templates.listTemplates(deps, contextOf(request), request.query),
  );
  app.post(
    '/email/templates',
    {
      config: send,
      schema: {
        tags,
        summary: 'Create a template (company ones: admins and managers)',
        body: CreateTemplateBody,
        response: { 201: Template },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await templates.createTemplate(deps, contextOf(request), request.body)),
  );
  app.get(
    '/email/templates/:id',
    { config: send, schema: { tags, summary: 'One template', params: IdParams, response: { 200: Template } } },
    (request) => templates.getTemplate(deps, contextOf(request), request.params.id),
  );
  app.patch(
    '/email/templates/:id',
    {
      config: send,
      schema: {
        tags,
        summary: 'Change a template',
        params: IdParams,
        body: UpdateTemplateBody,
        response: { 200: Template },
      },
    },
    (request) => templates.updateTemplate(deps, contextOf(request), request.params.id, request.body),
  );
  app.delete(
    '/email/templates/:id',
    { config: send, schema: { tags, summary: 'Delete a template', params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await templates.deleteTemplate(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/email/preview',
    {
      config: send,
      schema: {
        tags,
        summary: 'Render a template or draft with a real lead, as you would send it',
        body: PreviewBody,
        response: { 200: Preview },
      },
    },
    (request) => service.previewEmail(deps, contextOf(request), request.body),
  );

  app.post(
    '/leads/:id/emails',
    {
      config: send,
      schema: {
        tags,
        summary: 'Email a lead: stored, queued (202) and sent by a job with retries',
        params: IdParams,
        body: SendBody,
        response: { 202: EmailMessage },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await service.sendLeadEmail(deps, contextOf(request), request.params.id, request.body, baseUrl(request))),
  );
  app.get(
    '/leads/:id/emails',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: "A lead's emails, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(EmailMessage) },
      },
    },
    (request) =>
      service.listLeadEmails(deps, contextOf(request), request.params.id, {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
  );
  app.get(
    '/emails',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'Emails you may see across leads (the outbox), newest first; e.g. `status=failed,retrying`',
        querystring: ListMessagesQuery,
        response: { 200: Page(EmailMessage) },
      },
    },
    (request) => service.listEmails(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );
  app.get(
    '/emails/:id',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'One email with its delivery state, opens and clicks',
        params: IdParams,
        response: { 200: EmailMessage },
      },
    },
    (request) => service.getEmail(deps, contextOf(request), request.params.id),
  );
  app.post(
    '/emails/:id/retry',
    {
      config: send,
      schema: {
        tags,
        summary: 'Send a failed email again, or a retrying one now',
        params: IdParams,
        response: { 202: EmailMessage },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.retryEmail(deps, contextOf(request), request.params.id)),
  );

  // Tracking: public (a mail client fetches them), answered only for tokens we signed.
  app.get(
    '/t/o/:token',
    {
      config: { public: true, machine: true },
      schema: { tags, summary: 'Open-tracking pixel (1x1 GIF)', params: TokenParams },
    },
    async (request, reply) => {
      if (!(await recordOpen(deps, request.params.token, request.headers['user-agent']))) throw notFound('link');
      return reply.header('cache-control', NO_STORE).header('pragma', 'no-cache').type('image/gif').send(PIXEL);
    },
  );
  app.get(
    '/t/c/:token',
    {
      config: { public: true, machine: true },
      schema: { tags, summary: 'Click-tracking redirect to the link the email had', params: TokenParams },
    },
    async (request, reply) => {
      const url = await recordClick(deps, request.params.token, request.headers['user-agent']);
      if (!url) throw notFound('link');
      return reply.header('cache-control', NO_STORE).header('referrer-policy', 'no-referrer').redirect(url, 302);
    },
  );
}
