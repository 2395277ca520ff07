import { AppError } from './errors.ts';

/**
 * Fixed-window request counters, one per caller (user or API key), announced with the IETF
 * `RateLimit-Policy` / `RateLimit` header fields (draft-ietf-httpapi-ratelimit-headers).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly policy: string;
  private readonly limit: number;
  private readonly windowMs: number;
  private lastSweep = 0;

  constructor(name: string, limit: number, windowSeconds: number) {
    this.limit = limit;
    this.windowMs = windowSeconds * 1000;
    this.policy = `"${name}";q=${limit};w=${windowSeconds}`;
  }

  /** Counts one request; returns the headers to send, or throws 429 when the window is spent. */
  take(key: string, now: number): Record<string, string> {
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
    const remaining = Math.max(0, this.limit - window.count);
    const name = this.policy.slice(0, this.policy.indexOf(';'));
    const headers = { 'RateLimit-Policy': this.policy, RateLimit: `${name};r=${remaining};t=${resetSeconds}` };
    if (window.count > this.limit) {
      throw new AppError('rate_limited', `Limit of ${this.limit} requests per ${this.windowMs / 1000} s reached`, {
        headers: { ...headers, 'Retry-After': String(resetSeconds) },
      });
    }
    return headers;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
