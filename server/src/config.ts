import { resolve } from 'node:path';

/** The only reader of process.env: validated once, fails fast with a clear message. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  logLevel: string;
  jwtSecret: string | null;
  /** Seals company secrets at rest (see lib/secret-box.ts); generated into the data directory when unset. */
  secretsKey: string | null;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  rateLimitPerMinute: number;
  /** Failed authentications (no, wrong or expired credential) one address may make per minute. */
  authFailuresPerMinute: number;
  sessionCacheSeconds: number;
  databasePoolSize: number;
  loginMaxFailures: number;
  loginLockSeconds: number;
  trustProxy: boolean;
  seedDemo: boolean;
  publicUrl: string | null;
  /** How often `serve` looks for due jobs (SLA checks, ...); 0 runs no worker in this process. */
  jobPollSeconds: number;
  /** Jobs one process runs at once (each in its own transaction); at most half of DATABASE_POOL_SIZE is used. */
  jobConcurrency: number;
  /**
   * A ClickHouse server (24.8+) the reports run on, fed from PostgreSQL through the outbox: its HTTP(S) URL, with
   * credentials and the database as its path (`http://user:password@host:8123/iperform`); null: PostgreSQL only.
   */
  clickhouseUrl: string | null;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const jwtSecret = env.IPERFORM_JWT_SECRET?.trim() || null;
  if (jwtSecret !== null && jwtSecret.length < 32) {
    throw new ConfigError('IPERFORM_JWT_SECRET must be at least 32 characters');
  }
  const secretsKey = env.IPERFORM_SECRETS_KEY?.trim() || null;
  if (secretsKey !== null && secretsKey.length < 32) {
    throw new ConfigError('IPERFORM_SECRETS_KEY must be at least 32 characters');
  }
  const clickhouseUrl = env.CLICKHOUSE_URL?.trim() || null;
  if (clickhouseUrl && !/^https?:\/\/[^/]+(\/[A-Za-z_][A-Za-z0-9_]*)?\/?(\?.*)?$/.test(clickhouseUrl)) {
    throw new ConfigError(
      'CLICKHOUSE_URL must be http(s)://[user:password@]host:port[/database], the database a plain name',
    );
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: env.IPERFORM_DATA_DIR?.trim()
      ? resolve(env.INIT_CWD ?? process.cwd(), env.IPERFORM_DATA_DIR.trim())
      : resolve(import.meta.dirname, '../../data'),
    databaseUrl,
    logLevel,
    jwtSecret,
    secretsKey,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlDays: int(env, 'REFRESH_TOKEN_TTL_DAYS', 30, 1, 365),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    authFailuresPerMinute: int(env, 'AUTH_FAILURES_PER_MINUTE', 60, 1, 1_000_000),
    sessionCacheSeconds: int(env, 'SESSION_CACHE_SECONDS', 30, 0, 300),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginLockSeconds: int(env, 'LOGIN_LOCK_SECONDS', 900, 1, 86_400),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    seedDemo: bool(env, 'IPERFORM_SEED_DEMO', true),
    publicUrl: env.PUBLIC_URL?.trim() || null,
    jobPollSeconds: int(env, 'JOB_POLL_SECONDS', 5, 0, 3600),
    jobConcurrency: int(env, 'JOB_CONCURRENCY', 4, 1, 64),
    clickhouseUrl,
  };
}
