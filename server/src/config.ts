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
  /**
   * The Graph API base, version included, that Facebook Lead Ads fetch leads from (IPERFORM_FACEBOOK_GRAPH_URL;
   * default https://graph.facebook.com/v21.0). Tests point it at a local fake.
   */
  facebookGraphUrl: string;
  /**
   * Outgoing connections (webhooks, extractor sources) may reach loopback, private, link-local and metadata addresses
   * (IPERFORM_ALLOW_PRIVATE_ADDRESSES, or its older name IPERFORM_WEBHOOKS_ALLOW_PRIVATE; default false: such
   * destinations are refused after DNS resolution, at connect time).
   */
  webhooksAllowPrivate: boolean;
  /**
   * How long an ERP request may wait in all for a throttling ERP (429 with Retry-After) before the sync gives up
   * and comes back later (IPERFORM_ERP_MAX_WAIT_SECONDS; default 60).
   */
  erpMaxWaitSeconds: number;
  /** Uploads: the largest file (bytes) and each company's quota over all stored versions (bytes; 0: none). */
  filesMaxBytes: number;
  filesQuotaBytes: number;
  /** S3-compatible storage for files (IPERFORM_S3_BUCKET set); null: local disk under dataDir/files. */
  s3: S3Config | null;
  /** A clamd that scans every upload before it becomes visible (CLAMD_HOST set); null: no scanning. */
  clamd: { host: string; port: number; timeoutMs: number } | null;
}

export interface S3Config {
  bucket: string;
  /** An S3-compatible endpoint (MinIO and the like); null: AWS S3 of the region. */
  endpoint: string | null;
  region: string;
  forcePathStyle: boolean;
  /** null: the SDK's own credential chain (instance role, shared config). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
  /** Bytes per part of a multipart upload (5 MiB at least). */
  partSizeBytes: number;
  /** When > 0, downloads answer with a presigned link of this many seconds instead of passing the bytes on. */
  presignSeconds: number;
}

export class ConfigError extends Error {}

const DEFAULT_FACEBOOK_GRAPH_URL = 'https://graph.facebook.com/v21.0';

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
    filesMaxBytes: int(env, 'IPERFORM_FILES_MAX_BYTES', 1024 ** 3, 1, 5 * 1024 ** 4),
    filesQuotaBytes: int(env, 'IPERFORM_FILES_QUOTA_BYTES', 50 * 1024 ** 3, 0, 1024 ** 5),
    s3: s3Config(env),
    clamd: clamdConfig(env),
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
    facebookGraphUrl: (env.IPERFORM_FACEBOOK_GRAPH_URL?.trim() || DEFAULT_FACEBOOK_GRAPH_URL).replace(/\/+$/, ''),
    webhooksAllowPrivate: bool(
      env,
      'IPERFORM_ALLOW_PRIVATE_ADDRESSES',
      bool(env, 'IPERFORM_WEBHOOKS_ALLOW_PRIVATE', false),
    ),
    erpMaxWaitSeconds: int(env, 'IPERFORM_ERP_MAX_WAIT_SECONDS', 60, 0, 3600),
  };
}

function s3Config(env: NodeJS.ProcessEnv): S3Config | null {
  const bucket = env.IPERFORM_S3_BUCKET?.trim();
  if (!bucket) return null;
  const endpoint = env.IPERFORM_S3_ENDPOINT?.trim() || null;
  if (endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
    throw new ConfigError('IPERFORM_S3_ENDPOINT must be http(s)://host[:port]');
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError('Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
  }
  const sessionToken = env.AWS_SESSION_TOKEN?.trim();
  return {
    bucket,
    endpoint,
    region: env.IPERFORM_S3_REGION?.trim() || env.AWS_REGION?.trim() || 'us-east-1',
    forcePathStyle: bool(env, 'IPERFORM_S3_FORCE_PATH_STYLE', endpoint !== null),
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
        : null,
    partSizeBytes: int(env, 'IPERFORM_S3_PART_SIZE_BYTES', 8 * 1024 ** 2, 5 * 1024 ** 2, 5 * 1024 ** 3),
    presignSeconds: int(env, 'IPERFORM_S3_PRESIGN_SECONDS', 0, 0, 3600),
  };
}

function clamdConfig(env: NodeJS.ProcessEnv): Config['clamd'] {
  const host = env.CLAMD_HOST?.trim();
  if (!host) return null;
  return {
    host,
    port: int(env, 'CLAMD_PORT', 3310, 1, 65535),
    timeoutMs: int(env, 'CLAMD_TIMEOUT_MS', 60_000, 100, 3_600_000),
  };
}
