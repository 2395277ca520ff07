import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../http/context.ts';
import { contextOf } from '../../http/context.ts';
import { authenticate } from '../auth/index.ts';
import { liveNotifications } from './notifications.live.ts';
import { unreadCountOf } from './notifications.service.ts';

/** Often enough that proxies and load balancers never see the stream idle long enough to cut it. */
export const HEARTBEAT_MS = 25_000;

/**
 * A Server-Sent Events stream of the caller's notifications: `ready` with the unread count at once, then
 * `notification` ({notification, unreadCount}) for each new one and `unread` ({unreadCount}) when read marks
 * change, from any process. A comment line every 25 s keeps it open; each beat checks the credentials again,
 * so a signed-out session or an expired token ends the stream (the client reconnects with a fresh token).
 */
export async function streamNotifications(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const ctx = contextOf(request);
  const unreadCount = await unreadCountOf(deps, ctx);
  const hub = liveNotifications(deps);
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  let open = true;
  let heartbeat: NodeJS.Timeout | null = null;
  let unsubscribe: () => void = () => undefined;
  const end = () => {
    if (!open) return;
    open = false;
    if (heartbeat) clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  const send = (event: string, data: unknown) => {
    if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  unsubscribe = hub.subscribe(ctx.actor.companyId, ctx.actor.userId, { send, end });
  res.on('close', end);
  res.write('retry: 5000\n\n');
  send('ready', { unreadCount, live: hub.isListening });
  const authorization = request.headers.authorization;
  heartbeat = setInterval(() => {
    if (!open) return;
    res.write(': heartbeat\n\n');
    authenticate(deps, authorization).catch(end);
  }, HEARTBEAT_MS);
}
