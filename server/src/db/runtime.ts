import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { randomToken } from '../lib/crypto.ts';
import { connect, type Databases } from './client.ts';
import { type EmbeddedServer, type SuperviseOptions, startEmbedded } from './embedded.ts';

export interface Logger {
  info(msg: string): void;
  debug(msg: string): void;
  warn(msg: string): void;
}

export interface Runtime {
  url: string;
  dbs: Databases;
  embedded: EmbeddedServer | null;
  jwtSecret: string;
  secretsKey: string;
  close(): Promise<void>;
}

/** The signing key of access tokens: from the environment, or generated once and kept in the data directory. */
export function jwtSecretFor(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomToken(48), { mode: 0o600 });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * The key company secrets (SMTP passwords, access tokens) are sealed with: IPERFORM_SECRETS_KEY, or generated
 * once and kept beside the JWT secret. Losing it makes the stored secrets unreadable, not readable by others.
 */
export function secretsKeyFor(config: Config): string {
  if (config.secretsKey) return config.secretsKey;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  const file = join(config.dataDir, 'secrets-key');
  if (!existsSync(file)) writeFileSync(file, randomToken(48), { mode: 0o600 });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * DATABASE_URL when set, otherwise the embedded PostgreSQL in the data directory, restarted when it dies
 * (`supervise`). A server of one's own is the operator's to keep running; the app answers 503 while it is away.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  poolSize = config.databasePoolSize,
  supervise: SuperviseOptions = {},
): Promise<Runtime> {
  const embedded = config.databaseUrl ? null : await startEmbedded(config.dataDir, log, supervise);
  const url = config.databaseUrl ?? embedded?.url;
  if (!url) throw new Error('no database');
  const dbs = connect(url, poolSize);
  return {
    url,
    dbs,
    embedded,
    jwtSecret: jwtSecretFor(config),
    secretsKey: secretsKeyFor(config),
    async close() {
      await dbs.close();
      await embedded?.stop();
    },
  };
}
