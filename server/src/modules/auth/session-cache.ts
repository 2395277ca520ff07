import { sql } from 'kysely';
import pg from 'pg';
import type { Tx } from '../../db/client.ts';
import type { Actor, Identity } from '../../http/context.ts';

const CHANNEL = 'iperform_auth';
const MAX_ENTRIES = 50_000;

interface Entry {
  actor: Actor;
  identity: Identity;
  /** The earlier of the cache lifetime and the session's own expiry. */
  until: number;
}

export type AuthChange = { session: string } | { user: string } | { company: string };

/**
 * Checked sessions, kept for a few seconds so that a busy client does not cost a database round trip per
 * request. Every change that matters (sign-out, revocation, deactivation, role or company change) evicts the
 * entry at once in this process and, through PostgreSQL NOTIFY, in every other process; while this process is
 * not listening, nothing is served from the cache.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(ttlSeconds: number) {
    this.ttlMs = ttlSeconds * 1000;
  }

  get(sessionId: string, now: number): Entry | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(sessionId);
    if (entry && entry.until > now) return entry;
    if (entry) this.entries.delete(sessionId);
    return undefined;
  }

  set(sessionId: string, actor: Actor, identity: Identity, sessionExpiresAt: number, now: number): void {
    if (!this.listening || this.ttlMs === 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(sessionId, { actor, identity, until: Math.min(now + this.ttlMs, sessionExpiresAt) });
  }

  evict(change: AuthChange): void {
    if ('session' in change) {
      this.entries.delete(change.session);
      return;
    }
    for (const [key, entry] of this.entries) {
      if ('user' in change ? entry.actor.userId === change.user : entry.actor.companyId === change.company) {
        this.entries.delete(key);
      }
    }
  }

  /** Inside the transaction that makes the change: evict here now, and everywhere once it commits. */
  async changed(trx: Tx, change: AuthChange): Promise<void> {
    this.evict(change);
    const [kind, id] = Object.entries(change)[0] ?? [];
    await sql`SELECT pg_notify(${CHANNEL}, ${`${kind}:${id}`})`.execute(trx);
  }

  async listen(url: string): Promise<void> {
    if (this.ttlMs === 0 || this.closed) return;
    const client = new pg.Client({ connectionString: url, application_name: 'iperform-auth-listener' });
    const lost = () => {
      // Without notifications the cache could serve a revoked session: stop using it until we listen again.
      this.listening = false;
      this.entries.clear();
      this.client = null;
      if (!this.closed && !this.retry) this.retry = setTimeout(() => this.reconnect(url), 1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      const [kind, id] = (message.payload ?? '').split(':');
      if (!id) return;
      if (kind === 'session') this.evict({ session: id });
      else if (kind === 'user') this.evict({ user: id });
      else if (kind === 'company') this.evict({ company: id });
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.listening = true;
  }

  private reconnect(url: string): void {
    this.retry = null;
    this.listen(url).catch(() => {
      if (!this.closed) this.retry = setTimeout(() => this.reconnect(url), 5000);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
