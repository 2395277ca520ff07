import { sql } from 'kysely';
import type { Database } from '../db/client.ts';
import { AppError } from './errors.ts';

/** A bucket's count for one caller in its current window, as the database returned it. */
interface Count {
  hits: number;
  resetSeconds: number;
}

/**
 * Fixed-window request counters, one per caller (user, API key or address) and bucket, announced with the IETF
 * `RateLimit-Policy` / `RateLimit` header fields (draft-ietf-httpapi-ratelimit-headers).
 *
 * The counters live in PostgreSQL (`rate_limits`), so every process on the database shares them: a caller
 * spread over several processes gets one allowance, not one per process. Each count is one atomic upsert; the
 * window opens at the caller's first request and is timed by the database's clock, which all processes share.
 */
export class RateLimiter {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
  private readonly db: Database;
  private readonly policy: string;
  private lastSweep = 0;

  constructor(db: Database, name: string, limit: number, windowSeconds: number) {
    this.db = db;
    this.name = name;
    this.limit = limit;
    this.windowSeconds = windowSeconds;
    this.policy = `"${name}";q=${limit};w=${windowSeconds}`;
  }

  /**
   * Counts one request; returns the headers to send, or throws 429 when the window is spent. With `unless`,
   * the same round trip also reads another bucket's count (without counting in it) and throws that bucket's
   * 429 when it is spent: a caller refused there is refused here too. `now` times the window by the app
   * clock instead of the database's (a route whose tests move the clock).
   */
  async take(
    key: string,
    unless?: { limiter: RateLimiter; key: string } | null,
    now?: Date,
  ): Promise<Record<string, string>> {
    this.sweep();
    // The database's clock by default; a caller that times its window by the app clock passes `now`.
    const at = now ? sql`${now.toISOString()}::timestamptz` : sql`statement_timestamp()`;
    const window = sql`make_interval(secs => ${this.windowSeconds})`;
    const other = unless
      ? sql`(SELECT o.hits FROM rate_limits o WHERE o.bucket = ${unless.limiter.name} AND o.key = ${unless.key}
          AND o.window_started_at > ${at} - make_interval(secs => ${unless.limiter.windowSeconds}))`
      : sql`NULL::integer`;
    const otherReset = unless
      ? sql`(SELECT ceil(extract(epoch FROM o.window_started_at
              + make_interval(secs => ${unless.limiter.windowSeconds}) - ${at}))::integer
          FROM rate_limits o WHERE o.bucket = ${unless.limiter.name} AND o.key = ${unless.key})`
      : sql`NULL::integer`;
    // A window older than its length starts again at 1; otherwise the count goes up by one, atomically.
    const result = await sql<{
      hits: number;
      reset_seconds: number;
      other_hits: number | null;
      other_reset: number | null;
    }>`
      INSERT INTO rate_limits AS r (bucket, key, window_started_at, hits)
      VALUES (${this.name}, ${key}, ${at}, 1)
      ON CONFLICT (bucket, key) DO UPDATE SET
        hits = CASE WHEN r.window_started_at <= ${at} - ${window} THEN 1 ELSE r.hits + 1 END,
        window_started_at = CASE WHEN r.window_started_at <= ${at} - ${window}
          THEN ${at} ELSE r.window_started_at END
      RETURNING r.hits,
        ceil(extract(epoch FROM r.window_started_at + ${window} - ${at}))::integer AS reset_seconds,
        ${other} AS other_hits, ${otherReset} AS other_reset
    `.execute(this.db);
    const row = result.rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    if (unless && row.other_hits !== null && row.other_hits > unless.limiter.limit) {
      throw unless.limiter.refusal({ hits: row.other_hits, resetSeconds: row.other_reset ?? 1 });
    }
    const count = { hits: row.hits, resetSeconds: row.reset_seconds };
    if (count.hits > this.limit) throw this.refusal(count);
    return this.headers(count);
  }

  private headers(count: Count): Record<string, string> {
    const reset = Math.max(1, count.resetSeconds);
    const remaining = Math.max(0, this.limit - count.hits);
    return { 'RateLimit-Policy': this.policy, RateLimit: `"${this.name}";r=${remaining};t=${reset}` };
  }

  private refusal(count: Count): AppError {
    const headers = this.headers(count);
    return new AppError('rate_limited', `Limit of ${this.limit} requests per ${this.windowSeconds} s reached`, {
      headers: { ...headers, 'Retry-After': String(Math.max(1, count.resetSeconds)) },
    });
  }

  /** Now and then (once a window, per process) drops this bucket's windows that have ended. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < this.windowSeconds * 1000) return;
    this.lastSweep = now;
    void sql`DELETE FROM rate_limits WHERE bucket = ${this.name}
      AND window_started_at <= statement_timestamp() - make_interval(secs => ${this.windowSeconds})`
      .execute(this.db)
      .catch(() => {
        // A failed sweep only leaves ended windows for the next one.
      });
  }
}
