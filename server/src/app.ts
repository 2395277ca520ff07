import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jobRegistry } from './composition/jobs.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { App } from './http/app.ts';
import { BRAND_MARK_SVG } from './http/brand.ts';
import type { Deps } from './http/context.ts';
import { answerWhileClosing, clientErrorHandler, errorHandler, notFoundHandler } from './http/error-handler.ts';
import { AppError, problemOf } from './http/errors.ts';
import { loggerOptions } from './http/logging.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { Problem } from './http/schemas.ts';
import { securityHeaders } from './http/security-headers.ts';
import { rejectMalformedText, strictJsonBodies, validatorCompiler } from './http/validation.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { SecretBox } from './lib/secret-box.ts';
import { activitiesRoutes } from './modules/activities/activities.routes.ts';
import { activityLogRoutes } from './modules/activity-log/activity-log.routes.ts';
import { assignmentRoutes } from './modules/assignment/assignment.routes.ts';
import { AuditEntry, auditRoutes } from './modules/audit/audit.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { ApiKey, ApiKeyCreated, Company, LoginResult, Me, Session } from './modules/auth/auth.schemas.ts';
import { authenticate, SessionCache, TokenSigner } from './modules/auth/index.ts';
import { bulkActionsRoutes } from './modules/bulk-actions/bulk-actions.routes.ts';
import { companiesRoutes } from './modules/companies/companies.routes.ts';
import { customFieldsRoutes } from './modules/custom-fields/custom-fields.routes.ts';
import { customerValueRoutes } from './modules/customer-value/customer-value.routes.ts';
import { dashboardsRoutes } from './modules/dashboards/dashboards.routes.ts';
import { duplicatesRoutes } from './modules/duplicates/duplicates.routes.ts';
import { emailRoutes } from './modules/email/email.routes.ts';
import { erpRoutes } from './modules/erp/erp.routes.ts';
import { exportsRoutes } from './modules/exports/exports.routes.ts';
import { extractorRoutes } from './modules/extractor/extractor.routes.ts';
import { facebookRoutes } from './modules/facebook/facebook.routes.ts';
import { filesRoutes } from './modules/files/files.routes.ts';
import { foldersRoutes } from './modules/files/folders.routes.ts';
import { forecastsRoutes } from './modules/forecasts/forecasts.routes.ts';
import { formsRoutes } from './modules/forms/forms.routes.ts';
import { importsRoutes } from './modules/imports/imports.routes.ts';
import { integrationsRoutes } from './modules/integrations/integrations.routes.ts';
import { Lead, StageHistoryEntry } from './modules/leads/index.ts';
import { leadCatalogRoutes } from './modules/leads/lead-catalog.routes.ts';
import { Assignment, leadsRoutes } from './modules/leads/leads.routes.ts';
import { mergesRoutes } from './modules/merges/merges.routes.ts';
import { liveNotifications } from './modules/notifications/index.ts';
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { partnersRoutes } from './modules/partners/partners.routes.ts';
import { pipelineRoutes } from './modules/pipeline/pipeline.routes.ts';
import { recommendationsRoutes } from './modules/recommendations/recommendations.routes.ts';
import { reportSchedulesRoutes } from './modules/report-schedules/report-schedules.routes.ts';
import { reportsRoutes } from './modules/reports/reports.routes.ts';
import { riskRoutes } from './modules/risk/risk.routes.ts';
import { scoringRoutes } from './modules/scoring/scoring.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { systemRoutes } from './modules/system/system.routes.ts';
import { targetsRoutes } from './modules/targets/targets.routes.ts';
import { ticketsRoutes } from './modules/tickets/tickets.routes.ts';
import { timelineRoutes } from './modules/timeline/timeline.routes.ts';
import { trashRoutes } from './modules/trash/trash.routes.ts';
import { can, RoleInfo, User } from './modules/users/index.ts';
import { usersRoutes } from './modules/users/users.routes.ts';
import { viewsRoutes } from './modules/views/views.routes.ts';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.ts';
import { whatsappRoutes } from './modules/whatsapp/whatsapp.routes.ts';

export type { App };

export interface AppOptions {
  config: Config;
  db: Database;
  jwtSecret: string;
  /** The key secrets are sealed with at rest; derived from jwtSecret when not given. */
  secretsKey?: string;
  /** The database URL, for the session cache's change notifications; without it the cache stays off. */
  databaseUrl?: string | null;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  webRoot?: string | null;
}

const API = '/api/v1';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const sharedSchemas = [
  Problem,
  User,
  RoleInfo,
  Company,
  Me,
  Session,
  ApiKey,
  ApiKeyCreated,
  LoginResult,
  AuditEntry,
  Lead,
  StageHistoryEntry,
  Assignment,
];

/** Builds the whole application; never listens (main.ts and the tests decide that). */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const app = Fastify({
    // Secrets in URLs (webhook verify token, tracking tokens) never reach the log.
    logger: loggerOptions(config.logLevel, options.logger),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Closing answers 503 problem+json (answerWhileClosing), not Fastify's own JSON.
    return503OnClosing: false,
    // Errors raised before routing, or by Node's HTTP parser (431, 400), still answer as problem+json.
    frameworkErrors: (error, request, reply) =>
      errorHandler(new AppError('bad_request', error.message), request, reply),
    clientErrorHandler,
    routerOptions: {
      maxParamLength: 200,
      onMaxParamLength: (_path, _req, res) => {
        const requestId = randomUUID();
        res.writeHead(414, { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': requestId });
        res.end(JSON.stringify(problemOf(new AppError('uri_too_long', 'A path segment is too long'), requestId)));
      },
    },
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  const deps: Deps = {
    config,
    db: options.db,
    clock: options.clock ?? systemClock,
    tokens: new TokenSigner(options.jwtSecret, config.accessTokenTtlSeconds),
    sessions: new SessionCache(config.sessionCacheSeconds),
    secrets: new SecretBox(options.secretsKey ?? options.jwtSecret),
    jobs: jobRegistry,
  };
  app.decorate('deps', deps);
  if (options.databaseUrl) await deps.sessions.listen(options.databaseUrl);
  // New notifications reach the connected streams of this process, whichever process created them.
  if (options.databaseUrl) await liveNotifications(deps).listen(options.databaseUrl);
  app.addHook('onClose', () => deps.sessions.close());

  app.setValidatorCompiler(validatorCompiler);
  // JSON is the only body the API reads: anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  strictJsonBodies(app);
  app.setErrorHandler(errorHandler);
  answerWhileClosing(app);
  app.addHook('onRequest', rejectMalformedText);
  const webRoot = options.webRoot === undefined ? resolve(import.meta.dirname, '../../web/dist') : options.webRoot;
  const serveWeb = webRoot !== null && existsSync(join(webRoot, 'index.html'));
  // The web app routes on the client: any other GET that wants HTML gets its shell.
  app.setNotFoundHandler((request, reply) => {
    const accept = request.headers.accept ?? '*/*';
    const wantsHtml = request.method === 'GET' && (accept.includes('text/html') || accept.includes('*/*'));
    if (serveWeb && wantsHtml && !request.url.startsWith('/api/'))
      return reply.type('text/html').sendFile('index.html');
    return notFoundHandler(request, reply);
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('identity', null);
  for (const schema of sharedSchemas) app.addSchema(schema);

  securityHeaders(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'iPerform API',
        version: '1.0.0',
        description:
          'Multi-tenant lead management and CRM. JSON over HTTPS; times are ISO-8601 UTC; ids are UUIDv7. Lists take `limit` (default 50, max 200) and an opaque `cursor`, and answer `{data, nextCursor}`. Errors are RFC 9457 `application/problem+json` with a stable `code`. See docs/api.md.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or ipk_ API key' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  // Every API route states who may call it; one that does not is a bug caught at start-up.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API)) return;
    const cfg = (route.config ?? {}) as { permission?: string; public?: boolean };
    if (!cfg.permission && !cfg.public) throw new Error(`Route ${route.method} ${route.url} declares no permission`);
    route.schema ??= {};
    const schema = route.schema as Record<string, unknown>;
    schema.security = cfg.public ? [] : [{ bearerAuth: [] }];
    schema['x-permission'] = cfg.public ? 'public' : cfg.permission;
    const response = (schema.response ?? {}) as Record<string, unknown>;
    const problem = { content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } };
    response['4XX'] ??= { description: 'RFC 9457 problem details; `code` says which', ...problem };
    response['5XX'] ??= { description: 'RFC 9457 problem details', ...problem };
    schema.response = response;
  });

  const perUser = new RateLimiter(deps.db, 'default', config.rateLimitPerMinute, 60);
  const perAddress = new RateLimiter(deps.db, 'auth', 60, 60);
  const perMachine = new RateLimiter(deps.db, 'machine', 6000, 60);
  // Failed authentication (no credential, a wrong token or key) per address: once spent, every request of that
  // address that needs a credential is refused until the window ends, even one with a valid credential.
  const failedAuth = new RateLimiter(deps.db, 'auth-failures', config.authFailuresPerMinute, 60);
  const refusedAddresses = new Map<string, number>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    const route = request.routeOptions;
    if (request.is404 || !route.url?.startsWith(API)) return;
    if (route.config.public) {
      const bucket = route.config.machine ? perMachine : perAddress;
      for (const [k, v] of Object.entries(await bucket.take(request.ip))) reply.header(k, v);
      return;
    }
    // An address this process saw refused is counted and refused without checking its credential again.
    if ((refusedAddresses.get(request.ip) ?? 0) > Date.now()) {
      await failedAuth.take(request.ip);
      refusedAddresses.delete(request.ip);
    }
    let authenticated: Awaited<ReturnType<typeof authenticate>>;
    try {
      authenticated = await authenticate(deps, request.headers.authorization);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        try {
          await failedAuth.take(request.ip);
        } catch (refused) {
          refusedAddresses.set(request.ip, Date.now() + failedAuth.windowSeconds * 1000);
          if (refusedAddresses.size > 10_000) refusedAddresses.clear();
          throw refused;
        }
      }
      throw error;
    }
    request.actor = authenticated.actor;
    request.identity = authenticated.identity;
    const key = request.actor.apiKeyId ? `key:${request.actor.apiKeyId}` : `user:${request.actor.userId}`;
    const headers = await perUser.take(key, { limiter: failedAuth, key: request.ip });
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    const permission = route.config.permission;
    if (!permission || !can(request.actor.role, permission)) {
      throw new AppError('forbidden', `Your role (${request.actor.role}) lacks the permission ${permission}`);
    }
  });

  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<TypeBoxTypeProvider>();
      authRoutes(typed, deps);
      usersRoutes(typed, deps);
      companiesRoutes(typed, deps);
      auditRoutes(typed, deps);
      leadsRoutes(typed, deps);
      leadCatalogRoutes(typed, deps);
      assignmentRoutes(typed, deps);
      notificationsRoutes(typed, deps);
      pipelineRoutes(typed, deps);
      customFieldsRoutes(typed, deps);
      partnersRoutes(typed, deps);
      viewsRoutes(typed, deps);
      reportsRoutes(typed, deps);
      reportSchedulesRoutes(typed, deps);
      dashboardsRoutes(typed, deps);
      targetsRoutes(typed, deps);
      ticketsRoutes(typed, deps);
      formsRoutes(typed, deps);
      timelineRoutes(typed, deps);
      activitiesRoutes(typed, deps);
      activityLogRoutes(typed, deps);
      bulkActionsRoutes(typed, deps);
      duplicatesRoutes(typed, deps);
      emailRoutes(typed, deps);
      exportsRoutes(typed, deps);
      importsRoutes(typed, deps);
      mergesRoutes(typed, deps);
      trashRoutes(typed, deps);
      searchRoutes(typed, deps);
      whatsappRoutes(typed, deps);
      facebookRoutes(typed, deps);
      extractorRoutes(typed, deps);
      erpRoutes(typed, deps);
      recommendationsRoutes(typed, deps);
      scoringRoutes(typed, deps);
      customerValueRoutes(typed, deps);
      riskRoutes(typed, deps);
      forecastsRoutes(typed, deps);
      filesRoutes(typed, deps);
      foldersRoutes(typed, deps);
      webhooksRoutes(typed, deps);
      integrationsRoutes(typed, deps);
    },
    { prefix: API },
  );
  await systemRoutes(app, deps);

  const logo = Buffer.from(BRAND_MARK_SVG);
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    logo: { type: 'image/svg+xml', content: logo, href: '/', target: '_self' },
    theme: {
      title: 'iPerform API reference',
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: logo }],
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  if (serveWeb && webRoot) await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: false });
  return app;
}
