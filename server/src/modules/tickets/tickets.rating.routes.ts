import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import type { Deps } from '../../http/context.ts';
import { RateLimiter } from '../../http/rate-limit.ts';
import { commentOnRating, openRatingLink, type RatingPage, ratingValues, type Visitor } from './tickets.rating.ts';
import { ratingPageHtml, ratingPageStatus } from './tickets.rating-page.ts';

const tags = ['tickets'];
/** A comment is at most 2,000 characters; a bigger body is not a customer writing one. */
const COMMENT_BODY_LIMIT = 16 * 1024;

const TokenParams = Type.Object(
  { token: Type.String({ maxLength: 200, description: 'The token of the link in the solve email' }) },
  { additionalProperties: false },
);
const RateQuery = Type.Object(
  {
    rating: Type.Optional(
      Type.String({ maxLength: 20, description: '`good` or `bad`: records the rating (first click only)' }),
    ),
  },
  { additionalProperties: false },
);
const CommentBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 10_000 })) },
  { additionalProperties: true },
);
const HtmlPage = Type.String({ description: 'An HTML page for the customer' });

const visitorOf = (request: FastifyRequest): Visitor => ({
  ip: request.ip,
  requestId: request.id,
  userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
});

function page(reply: FastifyReply, result: RatingPage, token: string) {
  return reply
    .code(ratingPageStatus(result))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(ratingPageHtml(result, token));
}

/**
 * The customer's satisfaction page, public like a web form's submit endpoint: the token is the only credential.
 * It lives in its own scope, the only place a form-encoded body (the comment form, no script) is read, and each
 * address is limited to 20 requests a minute besides the public routes' own limit.
 */
export function ticketRatingRoutes(app: App, deps: Deps): void {
  app.register(async (plugin) => publicRatingRoutes(plugin.withTypeProvider<TypeBoxTypeProvider>() as App, deps));
}

function publicRatingRoutes(scope: App, deps: Deps): void {
  const limiter = new RateLimiter(deps.db, 'ticket-rating', 20, 60);
  const limit = async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = await limiter.take(request.ip, null, deps.clock.now());
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  };

  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: COMMENT_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  scope.get(
    '/public/ticket-ratings/:token',
    {
      config: { public: true },
      onRequest: limit,
      schema: {
        tags,
        summary: 'The satisfaction page of a solved ticket (public, from the solve email); `rating` records it once',
        description:
          'Answers HTML. The first click with `rating=good` or `rating=bad` records the rating; a later one says it ' +
          'was already rated and changes nothing. A changed, unknown or expired link, or one of a solve the ticket ' +
          'was reopened since, answers 400.',
        params: TokenParams,
        querystring: RateQuery,
        produces: ['text/html'],
        response: { 200: HtmlPage },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const asked = request.query.rating;
      const rating = ratingValues.find((r) => r === asked) ?? null;
      if (asked !== undefined && rating === null) return page(reply, { state: 'invalid' }, token);
      return page(reply, await openRatingLink(deps, token, rating, visitorOf(request)), token);
    },
  );

  scope.post(
    '/public/ticket-ratings/:token',
    {
      config: { public: true },
      onRequest: limit,
      bodyLimit: COMMENT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add a comment to a satisfaction rating (public; form-encoded or JSON `comment`), once',
        params: TokenParams,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: CommentBody,
        produces: ['text/html'],
        response: { 200: HtmlPage },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const comment = request.body.comment ?? '';
      return page(reply, await commentOnRating(deps, token, comment, visitorOf(request)), token);
    },
  );
}
