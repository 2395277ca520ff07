import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { RateLimiter } from '../../http/rate-limit.ts';
import { IdParams, NoContent, Page } from '../../http/schemas.ts';
import {
  CreateFormBody,
  Form,
  FormIdParams,
  ListFormsQuery,
  SubmitBody,
  SubmitResult,
  UpdateFormBody,
} from './forms.schemas.ts';
import * as service from './forms.service.ts';
import { submitForm } from './forms.submit.ts';

const tags = ['forms'];
/** Submissions are small; a big body is not a person filling in a form. */
const SUBMIT_BODY_LIMIT = 64 * 1024;

/** Web forms and their public submission endpoint. */
export function formsRoutes(app: App, deps: Deps): void {
  const baseUrl = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.get(
    '/forms',
    {
      config: { permission: 'forms:manage' },
      schema: { tags, summary: 'Web forms, newest first', querystring: ListFormsQuery, response: { 200: Page(Form) } },
    },
    (request) =>
      service.listForms(
        deps,
        contextOf(request),
        { ...request.query, limit: request.query.limit ?? 50 },
        baseUrl(request),
      ),
  );

  app.post(
    '/forms',
    {
      config: { permission: 'forms:manage' },
      schema: {
        tags,
        summary: 'Create a web form: its fields, the lead field each fills, and the snippet to embed',
        body: CreateFormBody,
        response: { 201: Form },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createForm(deps, contextOf(request), request.body, baseUrl(request))),
  );

  app.get(
    '/forms/:id',
    {
      config: { permission: 'forms:manage' },
      schema: {
        tags,
        summary: 'One web form, with its submit URL and embed snippet',
        params: IdParams,
        response: { 200: Form },
      },
    },
    (request) => service.getForm(deps, contextOf(request), request.params.id, baseUrl(request)),
  );

  app.patch(
    '/forms/:id',
    {
      config: { permission: 'forms:manage' },
      schema: {
        tags,
        summary: 'Change a web form; `fields`, when sent, replaces the whole list',
        params: IdParams,
        body: UpdateFormBody,
        response: { 200: Form },
      },
    },
    (request) => service.updateForm(deps, contextOf(request), request.params.id, request.body, baseUrl(request)),
  );

  app.delete(
    '/forms/:id',
    {
      config: { permission: 'forms:manage' },
      schema: {
        tags,
        summary: 'Deactivate a web form: its submit URL answers 404 until it is made active again',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deactivateForm(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.register(async (plugin) => publicSubmitRoutes(plugin.withTypeProvider<TypeBoxTypeProvider>() as App, deps));
}

/**
 * The submit endpoint lives in its own scope: only here is a form-encoded body accepted (a page without
 * JavaScript posts one), and only here do answers allow any origin, since the snippet runs on other sites.
 * No cookie or credential is involved, so `*` is safe.
 */
function publicSubmitRoutes(scope: App, deps: Deps): void {
  const limit = submissionLimit(deps, 'form-submit', (request) => (request.params as { formId: string }).formId);
  acceptPublicSubmissions(scope);

  scope.options(
    '/forms/:formId/submit',
    { config: { public: true }, schema: { hide: true, params: FormIdParams } },
    answerPreflight,
  );

  scope.post(
    '/forms/:formId/submit',
    {
      config: { public: true },
      bodyLimit: SUBMIT_BODY_LIMIT,
      onRequest: limit,
      schema: {
        tags,
        summary: 'Submit a web form (public; JSON or form-encoded; any origin). Answers the thank-you text',
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        params: FormIdParams,
        body: SubmitBody,
        response: { 200: SubmitResult },
      },
    },
    (request) =>
      submitForm(deps, {
        formId: request.params.formId,
        values: request.body,
        ip: request.ip,
        requestId: request.id,
        userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
      }),
  );
}

/**
 * Makes a route scope fit for public submissions from other sites: a form-encoded body is accepted (a page
 * without JavaScript posts one) and answers allow any origin. No cookie or credential is involved, so `*` is safe.
 * Shared by every public form (web forms, the support form).
 */
export function acceptPublicSubmissions(scope: App): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: SUBMIT_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return payload;
  });
}

/** A browser's preflight before it posts a public form from another site: POST, a JSON or form body, any origin. */
export async function answerPreflight(_request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(204)
    .header('access-control-allow-methods', 'POST, OPTIONS')
    .header('access-control-allow-headers', 'Content-Type')
    .header('access-control-max-age', '86400')
    .send();
}

/**
 * The rate limit of a public form, as an onRequest hook: 10 submissions a minute per address and form (`formOf`
 * names the form from the request), enough for an office behind one address, not for a flood; 429 past it.
 */
export function submissionLimit(deps: Deps, bucket: string, formOf: (request: FastifyRequest) => string) {
  const limiter = new RateLimiter(deps.db, bucket, 10, 60);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = await limiter.take(`${request.ip} ${formOf(request)}`, null, deps.clock.now());
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  };
}
