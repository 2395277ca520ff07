import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, isRejectedValue } from '../db/client.ts';
import { AppError, problemOf } from './errors.ts';
import { fieldErrors } from './validation.ts';

/** Seconds a client is asked to wait before trying again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

function sendProblem(reply: FastifyReply, error: AppError, requestId: string) {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  reply.header('X-Request-Id', requestId);
  return reply.code(error.status).type('application/problem+json').send(problemOf(error, requestId));
}

/** The answer to any call that needed the database while it was down or restarting. */
export function databaseUnavailable(): AppError {
  return new AppError('database_unavailable', 'The database is restarting or cannot be reached; try again shortly', {
    headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
  });
}

/** Turns anything thrown into RFC 9457 problem+json; a 500 is logged with its stack, never sent. */
export function errorHandler(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return sendProblem(reply, error, request.id);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fieldErrors(fastifyError.validation, fastifyError.validationContext);
    const where = fastifyError.validationContext === 'body' ? 'body' : fastifyError.validationContext;
    const detail = `The ${where} is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
    return sendProblem(reply, new AppError('validation_failed', detail, { errors }), request.id);
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ code: fastifyError.code, reason: error.message }, 'database unavailable');
    return sendProblem(reply, databaseUnavailable(), request.id);
  }
  if (isRejectedValue(error)) {
    // A schema let through a value the database refuses: the caller's mistake, and a limit to add to a schema.
    request.log.warn({ code: fastifyError.code, reason: error.message }, 'value refused by the database');
    return sendProblem(
      reply,
      new AppError('validation_failed', 'A value in the request is too long, out of range or not valid text'),
      request.id,
    );
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, new AppError('payload_too_large', 'The body is larger than 1 MiB'), request.id);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(
        reply,
        new AppError('unsupported_media_type', 'Send the body as application/json'),
        request.id,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(
        reply,
        new AppError('malformed_json', 'The body is empty but Content-Type says JSON'),
        request.id,
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendProblem(reply, new AppError('malformed_json', 'The body is not valid JSON'), request.id);
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return sendProblem(reply, new AppError('malformed_json', 'The body is not valid JSON'), request.id);
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      status === 404
        ? 'not_found'
        : status === 405
          ? 'method_not_allowed'
          : status === 408
            ? 'request_timeout'
            : status === 413
              ? 'payload_too_large'
              : status === 415
                ? 'unsupported_media_type'
                : status === 431
                  ? 'headers_too_large'
                  : 'bad_request';
    return sendProblem(reply, new AppError(code, error.message), request.id);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, new AppError('internal'), request.id);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(
    reply,
    new AppError('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`),
    request.id,
  );
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL over 16 KiB, a malformed request
 * line, a request that arrives too slowly) still answer problem+json, with a request id, then the connection
 * closes as Node's own answer would.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large', 'The request line and headers must fit in 16 KiB: send long input in a body')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request_timeout')
        : new AppError('bad_request', 'The request is not valid HTTP/1.1');
  const requestId = randomUUID();
  const body = JSON.stringify(problemOf(problem, requestId));
  this.log.debug({ code: error.code, requestId }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * While the server closes, a new request answers 503 problem+json (Fastify's own answer is plain JSON): it
 * registers the first onRequest hook, so nothing else runs for such a request.
 */
export function answerWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('Connection', 'close');
    throw new AppError('unavailable', 'The server is shutting down; try again shortly', {
      headers: { 'Retry-After': '1' },
    });
  });
}
