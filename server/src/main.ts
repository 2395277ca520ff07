import { parseArgs } from 'node:util';
import { buildApp } from './app.ts';
import { startDemoInsights } from './composition/demo-insights.ts';
import { DEMO_PASSWORD, demoLogins, demoSeeded, isEmpty, seedDemo } from './composition/demo-seed.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrate } from './db/client.ts';
import { StartupError } from './db/embedded.ts';
import { openDatabase, type Runtime } from './db/runtime.ts';
import { AppError } from './http/errors.ts';
import { type JobWorker, startJobWorker } from './jobs/worker.ts';
import { backfill, closeClickHouse, startAnalytics, syncNow } from './modules/analytics/index.ts';
import { createCompany } from './modules/companies/index.ts';

const usage = `Usage: iperform <command> [options]

Commands:
  serve                       run the web app and API (default)
  migrate                     apply database migrations and exit
  seed --demo                 add the demo companies (Demo Co, Other Co) if missing
  company create --name N --slug S --admin-email E --admin-password P
                 [--admin-name N] [--timezone Z] [--currency C] [--locale L] [--phone-country CC]
  clickhouse backfill [--wait] put every record in the outbox to ClickHouse (CLICKHOUSE_URL), the running
                              server's worker copying it; --wait copies it here and now
`;

const console_ = {
  info: (m: string) => process.stderr.write(`${m}\n`),
  debug: (m: string) => (process.env.LOG_LEVEL === 'debug' ? process.stderr.write(`${m}\n`) : undefined),
  warn: (m: string) => process.stderr.write(`warning: ${m}\n`),
};

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await openDatabase(config, console_, 4);
  try {
    await migrate(runtime.dbs.owner);
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

async function serve(): Promise<void> {
  const config = loadConfig();
  let stopping = false;
  let shutdown: ((signal: string, exitCode?: number) => Promise<void>) | null = null;
  // The embedded PostgreSQL is restarted when it dies; if it cannot be, exit non-zero so a supervisor starts us.
  const onGiveUp = (error: Error) => {
    console_.warn(error.message);
    // Stopping cleanly without a database may hang on something waiting for it: exit regardless after 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    if (shutdown) void shutdown('database lost', 1);
    else process.exit(1);
  };
  const runtime = await openDatabase(config, console_, config.databasePoolSize, { onGiveUp });
  try {
    const applied = await migrate(runtime.dbs.owner);
    if (applied.length > 0) console_.info(`applied migrations: ${applied.join(', ')}`);
    if (runtime.embedded && config.seedDemo && (await isEmpty(runtime.dbs.app))) {
      console_.info('empty database: adding the demo companies');
      const seeded = await seedDemo(runtime.dbs.app);
      if (seeded) await startDemoInsights(runtime.dbs.app, seeded.demoCompanyId, new Date());
    }
    const app = await buildApp({
      config,
      db: runtime.dbs.app,
      jwtSecret: runtime.jwtSecret,
      secretsKey: runtime.secretsKey,
      databaseUrl: runtime.url,
    });
    // With CLICKHOUSE_URL: the ClickHouse schema, the outbox triggers on, drains queued; without: triggers off.
    await startAnalytics(app.deps, console_);
    // Jobs (response-SLA checks, ...) are durable rows: a stopped worker leaves them for the next start.
    // Woken at once by each committed job (LISTEN), polling for what comes due later.
    const worker: JobWorker | null =
      config.jobPollSeconds > 0 ? await startJobWorker(app.deps, { listenUrl: runtime.url, log: app.log }) : null;
    shutdown = async (signal: string, exitCode = 0) => {
      if (stopping) {
        console_.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      console_.info(`${signal}: finishing in-flight requests, then stopping`);
      await worker?.stop();
      await app.close();
      await closeClickHouse(config).catch(() => undefined);
      await runtime.close();
      process.exit(exitCode);
    };
    process.on('SIGINT', () => void shutdown?.('SIGINT'));
    process.on('SIGTERM', () => void shutdown?.('SIGTERM'));
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    const lines = [``, `  iPerform is running at ${url}`, `  API reference: ${url}/api/docs`];
    if (await demoSeeded(runtime.dbs.app)) {
      lines.push(`  Demo logins (password "${DEMO_PASSWORD}"):`);
      for (const email of demoLogins) lines.push(`    ${email}`);
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'migrate':
      return withRuntime(async (runtime) => {
        console_.info('migrations: up to date');
        void runtime;
      });
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' } } });
      if (!values.demo) throw new StartupError('seed needs --demo');
      return withRuntime(async (runtime) => {
        const seeded = await seedDemo(runtime.dbs.app);
        if (seeded) await startDemoInsights(runtime.dbs.app, seeded.demoCompanyId, new Date());
        console_.info(seeded ? 'demo companies added' : 'demo companies already present');
      });
    }
    case 'company': {
      const [sub, ...args] = rest;
      if (sub !== 'create') throw new StartupError(`unknown command "company ${sub ?? ''}"\n${usage}`);
      const { values } = parseArgs({
        args,
        options: {
          name: { type: 'string' },
          slug: { type: 'string' },
          'admin-email': { type: 'string' },
          'admin-password': { type: 'string' },
          'admin-name': { type: 'string' },
          timezone: { type: 'string', default: 'UTC' },
          currency: { type: 'string', default: 'USD' },
          locale: { type: 'string', default: 'en-US' },
          'phone-country': { type: 'string', default: 'US' },
        },
      });
      for (const required of ['name', 'slug', 'admin-email', 'admin-password'] as const) {
        if (!values[required]) throw new StartupError(`company create needs --${required}`);
      }
      return withRuntime(async (runtime) => {
        const created = await createCompany(runtime.dbs.app, {
          name: values.name ?? '',
          slug: values.slug ?? '',
          adminEmail: values['admin-email'] ?? '',
          adminPassword: values['admin-password'] ?? '',
          adminName: values['admin-name'] ?? 'Administrator',
          timezone: values.timezone ?? 'UTC',
          currency: values.currency ?? 'USD',
          locale: values.locale ?? 'en-US',
          phoneCountry: values['phone-country'] ?? 'US',
        });
        process.stdout.write(
          `created company ${values.slug} (${created.companyId}) with admin ${values['admin-email']}\n`,
        );
      });
    }
    case 'clickhouse': {
      const [sub, ...args] = rest;
      if (sub !== 'backfill') throw new StartupError(`unknown command "clickhouse ${sub ?? ''}"\n${usage}`);
      const { values } = parseArgs({ args, options: { wait: { type: 'boolean' } } });
      const config = loadConfig();
      if (!config.clickhouseUrl) throw new StartupError('clickhouse backfill needs CLICKHOUSE_URL');
      return withRuntime(async (runtime) => {
        const app = await buildApp({
          config,
          db: runtime.dbs.app,
          jwtSecret: runtime.jwtSecret,
          secretsKey: runtime.secretsKey,
          logger: false,
          webRoot: null,
        });
        try {
          await startAnalytics(app.deps, console_);
          for (const { companyId, rows } of await backfill(app.deps)) {
            console_.info(`company ${companyId}: ${rows} records queued for ClickHouse`);
            if (values.wait) console_.info(`company ${companyId}: ${await syncNow(app.deps, companyId)} copied`);
          }
        } finally {
          await app.close();
          await closeClickHouse(config).catch(() => undefined);
        }
      });
    }
    case 'help':
    case '--help':
      process.stdout.write(usage);
      return;
    default:
      throw new StartupError(`unknown command "${command}"\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StartupError || error instanceof ConfigError) {
    process.stderr.write(`iperform: ${error.message}\n`);
  } else if (error instanceof AppError) {
    const fields = error.errors?.map((e) => `${e.path} ${e.message}`).join('; ');
    process.stderr.write(`iperform: ${fields || error.detail || error.message}\n`);
  } else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    process.stderr.write(`iperform: port ${loadConfig().port} is already in use: stop what uses it, or set PORT\n`);
  } else {
    process.stderr.write(`iperform: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
