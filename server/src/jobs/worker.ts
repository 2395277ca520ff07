import pg from 'pg';
import type { Deps } from '../http/context.ts';
import { JOBS_CHANNEL } from './queue.ts';
import type { JobRegistry } from './registry.ts';
import { claimJobs, JobPool, type Logger, pruneJobs, runJob } from './runner.ts';

export interface JobWorker {
  /** Whether the LISTEN connection is up (new jobs are taken at once rather than at the next poll). */
  readonly listening: boolean;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  log: Logger;
  /** The database URL to LISTEN on; without it the worker only polls. */
  listenUrl?: string | null;
  /** Defaults: deps.config.jobPollSeconds and deps.config.jobConcurrency. */
  pollMs?: number;
  concurrency?: number;
  /** Default: deps.jobs. */
  registry?: JobRegistry;
}

/**
 * The job worker of a serving process: runs up to `concurrency` jobs at once, each in its own tenant
 * transaction. It is woken at once by the NOTIFY of every committed job that is due now (one LISTEN connection
 * per process), and polls every `pollMs` for what comes due later (a reminder, a retry, a daily run) or was
 * announced while the connection was down. Stopping lets the running jobs finish.
 */
export async function startJobWorker(deps: Deps, options: WorkerOptions): Promise<JobWorker> {
  const pollMs = options.pollMs ?? deps.config.jobPollSeconds * 1000;
  // Each running job holds a connection (some briefly a second): leave the pool room for requests.
  const concurrency = Math.max(
    1,
    Math.min(options.concurrency ?? deps.config.jobConcurrency, Math.floor(deps.config.databasePoolSize / 2)),
  );
  const registry = options.registry ?? deps.jobs;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let filling: Promise<void> | null = null;
  /** A wake-up (or a full claim) came while the slots were busy: claim again when one frees. */
  let more = false;
  /** The last claim left out a kind at its own limit: claim again when a job ends, though nothing was announced. */
  let capped = false;
  let prunedAt = 0;

  const pool = new JobPool(
    concurrency,
    registry,
    async (job) => {
      await runJob(deps, registry, job, options.log);
    },
    () => {
      if (more || capped) fill();
    },
  );

  const claim = async () => {
    while (!stopped) {
      const free = concurrency - pool.load;
      if (free <= 0) {
        more = true;
        return;
      }
      more = false;
      const except = pool.fullKinds();
      const jobs = await claimJobs(deps, { limit: free, except });
      pool.add(jobs);
      capped = except.length > 0;
      if (jobs.length < free) return;
    }
  };

  const fill = () => {
    if (stopped) return;
    if (filling) {
      more = true;
      return;
    }
    filling = claim()
      .catch((error: unknown) => options.log.error({ err: error }, 'job worker could not claim jobs'))
      .finally(() => {
        filling = null;
        // Woken while claiming: the job may have committed after the claim looked.
        if (more && pool.load < concurrency) fill();
      });
  };

  const poll = async () => {
    timer = null;
    fill();
    await filling;
    if (deps.clock.now().getTime() - prunedAt > 3_600_000) {
      prunedAt = deps.clock.now().getTime();
      await pruneJobs(deps).catch((error: unknown) => options.log.error({ err: error }, 'could not prune jobs'));
    }
    if (!stopped) timer = setTimeout(() => void poll(), pollMs);
  };

  const listener = options.listenUrl ? new JobListener(options.listenUrl, fill) : null;
  // Without the connection the worker still polls; it keeps trying to listen.
  await listener?.start().catch((error: unknown) => {
    options.log.error({ err: error }, 'job worker could not LISTEN: polling only until it can');
    listener.retryLater();
  });
  // The first pass has claimed what was already due by the time the worker is returned.
  await poll();

  return {
    get listening() {
      return listener?.connected ?? false;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await listener?.stop();
      await filling;
      await pool.drained();
    },
  };
}

/**
 * One LISTEN connection on the jobs channel. A lost connection is opened again (after 1 s, then every 5 s),
 * and the worker is woken then, since announcements made meanwhile were lost.
 */
class JobListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  connected = false;
  private readonly url: string;
  private readonly wake: () => void;

  constructor(url: string, wake: () => void) {
    this.url = url;
    this.wake = wake;
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'iperform-jobs-listener' });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.connected = false;
      if (!this.stopped && !this.retry) this.retry = setTimeout(() => this.reconnect(), 1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.wake());
    await client.connect();
    await client.query(`LISTEN ${JOBS_CHANNEL}`);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connected = true;
  }

  retryLater(): void {
    if (!this.stopped && !this.retry) this.retry = setTimeout(() => this.reconnect(), 5000);
  }

  private reconnect(): void {
    this.retry = null;
    this.start()
      .then(() => this.wake())
      .catch(() => this.retryLater());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.connected = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
