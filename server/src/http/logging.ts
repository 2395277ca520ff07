import type { FastifyRequest, FastifyServerOptions } from 'fastify';

const REDACTED = '[redacted]';

/** Query parameters that carry a secret: WhatsApp's verify token, and any token, key or password by name. */
const SECRET_PARAM = /token|secret|passw(or)?d|api[_-]?key|signature/i;

/** Paths whose last segment is a secret: the signed email open-pixel and click tokens (`/t/o/…`, `/t/c/…`). */
const SECRET_PATH = /^(\/api\/v1\/t\/[oc]\/)[^/?#]+/;

/**
 * The URL as it may be written to a log: the secrets in its path and query string replaced. Logs are read by
 * more people, and kept longer, than the database rows those secrets protect.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(SECRET_PATH, `$1${REDACTED}`);
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // a name that does not decode is matched as sent
      }
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Fastify's request serializer (method, url, host, address), with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The logger options of the app: the level from the configuration, the caller's options (a test's stream) on
 * top, and always the redacting request serializer. `false` keeps logging off.
 */
export function loggerOptions(level: string, given: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (given === false) return false;
  const base = typeof given === 'object' && given !== null ? given : {};
  const serializers = (base as { serializers?: Record<string, unknown> }).serializers ?? {};
  return { level, ...base, serializers: { ...serializers, req: serializeRequest } } as FastifyServerOptions['logger'];
}
