import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, problemOf } from './errors.ts';
import { fieldErrors } from './validation.ts';

function sendProblem(reply: FastifyReply, error: AppError, requestId: string) {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  reply.header('X-Request-Id', requestId);
  return reply.code(error.status).type('application/problem+json').send(problemOf(error, requestId));
}

/** Turns anything thrown into RFC 9457 problem+json; a 500 is logged with its stack, never sent. */
export function errorHandler(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return sendProblem(reply, error, request.id);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fieldErrors(fastifyError.validation);
    const where = fastifyError.validationContext === 'body' ? 'body' : fastifyError.validationContext;
    const detail = `The ${where} is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
    return sendProblem(reply, new AppError('validation_failed', detail, { errors }), request.id);
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
          : status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
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
