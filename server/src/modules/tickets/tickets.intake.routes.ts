import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { NoContent } from '../../http/schemas.ts';
import { acceptPublicSubmissions, answerPreflight, SubmitBody, submissionLimit } from '../forms/index.ts';
import {
  Mailbox,
  MailboxTestResult,
  PublicSupportForm,
  PutMailboxBody,
  PutSupportFormBody,
  SupportForm,
  SupportFormKeyParams,
  SupportSubmitResult,
} from './tickets.intake.schemas.ts';
import * as form from './tickets.intake-form.ts';
import * as mailbox from './tickets.mailbox.ts';
import { pollNow } from './tickets.mailbox-poll.ts';

const tags = ['tickets'];
/** Submissions are small; a big body is not a person asking for help. */
const SUBMIT_BODY_LIMIT = 64 * 1024;

const PollResult = Type.Object(
  {
    read: Type.Integer(),
    opened: Type.Integer(),
    joined: Type.Integer(),
    ignored: Type.Integer({ description: 'Auto-replies, bounces and mail already taken in' }),
    keptAside: Type.Integer(),
    error: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** How customers open tickets themselves: the support form (settings and public side) and the support mailbox. */
export function ticketIntakeRoutes(app: App, deps: Deps): void {
  const baseUrl = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
  const manageForm = { permission: 'forms:manage' as const };
  const manageMailbox = { permission: 'email:manage' as const };

  app.get(
    '/tickets/support-form',
    {
      config: manageForm,
      schema: {
        tags,
        summary: 'The public support form: on or off, its hosted page, submit URL and embed snippet',
        response: { 200: SupportForm },
      },
    },
    (request) => form.getSupportForm(deps, contextOf(request), baseUrl(request)),
  );

  app.put(
    '/tickets/support-form',
    {
      config: manageForm,
      schema: {
        tags,
        summary: 'Turn the support form on or off; the first time gives the company its public key',
        description: 'Its tickets are raised as the user who last turned it on.',
        body: PutSupportFormBody,
        response: { 200: SupportForm },
      },
    },
    (request) => form.putSupportForm(deps, contextOf(request), request.body, baseUrl(request)),
  );

  app.get(
    '/tickets/mailbox',
    {
      config: manageMailbox,
      schema: {
        tags,
        summary: 'The support mailbox (IMAP): its server, folder, last read and the messages kept aside',
        response: { 200: Mailbox },
      },
    },
    (request) => mailbox.getMailbox(deps, contextOf(request)),
  );

  app.put(
    '/tickets/mailbox',
    {
      config: manageMailbox,
      schema: {
        tags,
        summary: 'Save the support mailbox; the password is write-only and stored encrypted',
        description: 'Another host, user or folder starts reading afresh. Tickets are raised as the user who saves it.',
        body: PutMailboxBody,
        response: { 200: Mailbox },
      },
    },
    (request) => mailbox.putMailbox(deps, contextOf(request), request.body),
  );

  app.delete(
    '/tickets/mailbox',
    {
      config: manageMailbox,
      schema: { tags, summary: 'Remove the support mailbox; its tickets stay', response: { 204: NoContent } },
    },
    async (request, reply) => {
      await mailbox.deleteMailbox(deps, contextOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/tickets/mailbox/test',
    {
      config: manageMailbox,
      schema: {
        tags,
        summary: 'Connect with the saved settings and open the folder; nothing is read',
        description:
          'A failure is a problem saying what went wrong: `imap_unreachable`, `imap_tls_failed`, `imap_auth_failed` ' +
          'or `imap_folder_missing`, with the server’s words when it answered.',
        response: { 200: MailboxTestResult },
      },
    },
    (request) => mailbox.testMailbox(deps, contextOf(request)),
  );

  app.post(
    '/tickets/mailbox/poll',
    {
      config: manageMailbox,
      schema: {
        tags,
        summary: 'Read the mailbox now instead of at the next two-minute poll',
        response: { 200: PollResult },
      },
    },
    (request) => pollNow(deps, contextOf(request)),
  );

  app.register(async (plugin) => publicRoutes(plugin.withTypeProvider<TypeBoxTypeProvider>() as App, deps, baseUrl));
}

/** The public side of the support form: its own scope, as web forms' (form-encoded bodies, any origin). */
function publicRoutes(scope: App, deps: Deps, baseUrl: (request: FastifyRequest) => string): void {
  acceptPublicSubmissions(scope);
  const limit = submissionLimit(deps, 'support-form-submit', (request) => (request.params as { key: string }).key);

  scope.get(
    '/support-forms/:key',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'What the hosted support page shows (public); 404 while the form is off',
        params: SupportFormKeyParams,
        response: { 200: PublicSupportForm },
      },
    },
    (request) => form.publicSupportForm(deps, request.params.key, baseUrl(request)),
  );

  scope.options(
    '/support-forms/:key/submit',
    { config: { public: true }, schema: { hide: true, params: SupportFormKeyParams } },
    answerPreflight,
  );

  scope.post(
    '/support-forms/:key/submit',
    {
      config: { public: true },
      bodyLimit: SUBMIT_BODY_LIMIT,
      onRequest: limit,
      schema: {
        tags,
        summary: 'Ask for help (public; JSON or form-encoded; any origin): opens a ticket or joins one of yours',
        description:
          'Fields: name, email, subject, message, and optionally reference (T-1001, a ticket raised with the same ' +
          'email). Answers 202 with the thank-you and the ticket reference. 10 a minute per address and form.',
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        params: SupportFormKeyParams,
        body: SubmitBody,
        response: { 202: SupportSubmitResult },
      },
    },
    async (request, reply) =>
      reply.code(202).send(
        await form.submitSupportForm(deps, {
          key: request.params.key,
          values: request.body,
          ip: request.ip,
          requestId: request.id,
          userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
        }),
      ),
  );
}
