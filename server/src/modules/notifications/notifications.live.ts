import { sql } from 'kysely';
import pg from 'pg';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { isUuid } from '../../lib/ids.ts';
import { toNotification } from './notifications.dto.ts';
import * as repo from './notifications.repository.ts';

export const CHANNEL = 'iperform_notifications';

/** One connected stream: what the hub may send it, and how to end it. */
export interface LiveClient {
  send(event: string, data: unknown): void;
  end(): void;
}

/**
 * Tells every process, once the transaction commits, that a user's inbox changed: a new notification
 * (`id` set) or read marks (`id` null). The payload holds ids only; listeners read the rest inside the tenant.
 */
export async function announce(trx: Tx, companyId: string, userId: string, id: string | null): Promise<void> {
  await sql`SELECT pg_notify(${CHANNEL}, ${`${companyId}:${userId}:${id ?? ''}`})`.execute(trx);
}

/**
 * Live delivery of notifications to the Server-Sent Event streams connected to this process. One LISTEN
 * connection per process hears every commit's announcements (from any process) and fans them out to the
 * streams of that user only; a process with no stream of that user does no work for it.
 */
export class NotificationHub {
  private readonly clients = new Map<string, Set<LiveClient>>();
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private url: string | null = null;
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  get isListening(): boolean {
    return this.listening;
  }

  subscribe(companyId: string, userId: string, client: LiveClient): () => void {
    const key = `${companyId}:${userId}`;
    let set = this.clients.get(key);
    if (!set) {
      set = new Set();
      this.clients.set(key, set);
    }
    set.add(client);
    return () => {
      set.delete(client);
      if (set.size === 0 && this.clients.get(key) === set) this.clients.delete(key);
    };
  }

  get connected(): number {
    let n = 0;
    for (const set of this.clients.values()) n += set.size;
    return n;
  }

  /** Starts listening; a second call (or one after close) does nothing. */
  async listen(url: string): Promise<void> {
    if (this.closed || this.url) return;
    this.url = url;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const url = this.url;
    if (!url || this.closed) return;
    const client = new pg.Client({ connectionString: url, application_name: 'iperform-notifications-listener' });
    const lost = () => {
      if (this.listener !== client) return;
      this.listening = false;
      this.listener = null;
      if (!this.closed && !this.retry) this.retry = setTimeout(() => this.reconnect(), 1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => this.heard(message.payload ?? ''));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
    this.listening = true;
  }

  private reconnect(): void {
    this.retry = null;
    this.connect()
      .then(() => this.refreshAll())
      .catch(() => {
        if (!this.closed) this.retry = setTimeout(() => this.reconnect(), 5000);
      });
  }

  /** Announcements may have been missed while the connection was down: give every stream its count again. */
  private refreshAll(): void {
    for (const key of this.clients.keys()) {
      const [companyId = '', userId = ''] = key.split(':');
      this.deliver(companyId, userId, null);
    }
  }

  private heard(payload: string): void {
    const [companyId = '', userId = '', id = ''] = payload.split(':');
    if (userId === '*') {
      this.changed(companyId, id);
      return;
    }
    if (!isUuid(companyId) || !isUuid(userId) || (id && !isUuid(id))) return;
    if (!this.clients.has(`${companyId}:${userId}`)) return;
    this.deliver(companyId, userId, id || null);
  }

  /**
   * Leads or activities of a company changed (a database trigger announces each committing transaction): every
   * stream of that company hears `changed` with the table's name, nothing more, and refreshes what it shows.
   */
  private changed(companyId: string, table: string): void {
    if (!isUuid(companyId) || (table !== 'leads' && table !== 'activities')) return;
    const prefix = `${companyId}:`;
    for (const [key, set] of this.clients) {
      if (!key.startsWith(prefix)) continue;
      for (const client of set) client.send('changed', { what: table });
    }
  }

  private deliver(companyId: string, userId: string, id: string | null): void {
    withTenant(this.deps.db, companyId, async (trx) => ({
      notification: id ? await repo.findNotification(trx, userId, id) : undefined,
      unreadCount: await repo.unreadCount(trx, userId),
    }))
      .then(({ notification, unreadCount }) => {
        for (const client of this.clients.get(`${companyId}:${userId}`) ?? []) {
          if (notification) client.send('notification', { notification: toNotification(notification), unreadCount });
          else client.send('unread', { unreadCount });
        }
      })
      // A failed read (the database restarting) loses one push; the next one, or a reconnect, catches up.
      .catch(() => undefined);
  }

  /** Ends every stream and stops listening: the app is closing. */
  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.retry) clearTimeout(this.retry);
    for (const set of this.clients.values()) for (const client of [...set]) client.end();
    this.clients.clear();
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }
}

const hubs = new WeakMap<Deps, NotificationHub>();

/** The hub of an app (one per buildApp, so two apps in one process stay apart, as two processes would). */
export function liveNotifications(deps: Deps): NotificationHub {
  let hub = hubs.get(deps);
  if (!hub) {
    hub = new NotificationHub(deps);
    hubs.set(deps, hub);
  }
  return hub;
}
