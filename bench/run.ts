/**
 * Load benchmark of the foundation: demo data plus 1,000 generated users, then autocannon with 100 connections
 * for 20 s each on GET /api/v1/auth/me and GET /api/v1/users?limit=50. The server runs in its own process (as in
 * production); this process only generates load. Prints req/s and p50/p95/p99; passes or fails nothing.
 *
 *   npm run bench                      # defaults
 *   BENCH_SECONDS=5 npm run bench      # shorter runs
 *   BENCH_ONLY=users BENCH_PROFILE=/tmp/prof npm run bench   # one route, with a CPU profile of the server
 *
 * BENCH_ONLY=leads adds BENCH_LEADS generated leads (1,000,000 by default) and measures the lead list, search,
 * sort and counts (bench/leads-bench.ts), with 10 connections for 10 s each unless told otherwise.
 * BENCH_DATA_DIR=<dir> keeps the prepared database there and reuses it on the next run (generating a million
 * leads takes a few minutes).
 *
 * BENCH_ONLY=exports exports that data set whole as CSV, XLSX and JSON (bench/exports-bench.ts), sampling the
 * server's memory while it streams; BENCH_FORMATS=csv limits the formats.
 *
 * BENCH_ONLY=imports imports a generated CSV of BENCH_IMPORT_ROWS leads (100,000 by default) through the API and
 * the server's job worker (bench/imports-bench.ts), sampling the server's memory while it runs.
 *
 * BENCH_ONLY=reports adds to that data set each lead's stage history (about 2.7 moves a lead) and
 * BENCH_ACTIVITIES_PER_LEAD activities (10), then runs every pre-built report one request at a time for the demo
 * admin, a manager and a salesperson, BENCH_REPORT_RUNS times each (5), over its default window and all time
 * (bench/reports-bench.ts); BENCH_REPORTS=key,key limits the reports, BENCH_PEOPLE=email,email the people.
 *
 * BENCH_ONLY=writes times creating a lead and moving its stage, one request at a time (bench/writes-bench.ts).
 *
 * BENCH_ONLY=webhooks creates BENCH_WEBHOOK_EVENTS leads (10,000) without and then with three webhook endpoints
 * on local receivers, and times the fan-out and delivery by the server's worker (bench/webhooks-bench.ts).
 *
 * BENCH_ONLY=extractor reads BENCH_EXTRACTOR_ROWS rows (100,000) of a table it fills in the machine's MariaDB into
 * leads through a MySQL extractor source, timing the run and sampling the server's memory (bench/extractor-bench.ts).
 *
 * BENCH_ONLY=erp runs a first full sync of 50,000 customers and 200,000 invoices from each ERP connector's fake
 * and times won leads reaching the ERP (bench/erp-bench.ts); BENCH_ERP_CONNECTORS=tally,quickbooks limits it.
 *
 * BENCH_ONLY=lists loads every list endpoint in turn (users, leads, activities, notifications, views, audit,
 * partners, imports, email templates, trash) on the foundation's data.
 *
 * BENCH_ONLY=soak (or `npm run bench:soak`) runs the load test of real use, bench/soak/main.ts (its own options).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { DEMO_PASSWORD, seedDemo } from '../server/src/composition/demo-seed.ts';
import { connect, migrate, withTenant } from '../server/src/db/client.ts';
import { startEmbedded } from '../server/src/db/embedded.ts';
import { newId } from '../server/src/lib/ids.ts';
import { hashPassword } from '../server/src/modules/auth/passwords.ts';
import { exportsTable, runExportsBench } from './exports-bench.ts';
import { importsTable, runImportsBench } from './imports-bench.ts';
import { type LoadResult, markdownTable, runLeadsBench } from './leads-bench.ts';
import { generateLeads } from './leads-data.ts';
import { generateReportsData } from './reports-data.ts';
import { runWritesBench } from './writes-bench.ts';

const only = process.env.BENCH_ONLY;
if (only === 'soak') {
  // Its own data, hierarchy, server and report: bench/soak/main.ts.
  await import('./soak/main.ts');
  process.exit(0);
}
// The export and reports benchmarks work on the leads benchmark's data set.
const leadsMode = only === 'leads' || only === 'exports' || only === 'reports';
const activitiesPerLead = Number(process.env.BENCH_ACTIVITIES_PER_LEAD ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? (leadsMode ? 10 : 20));
const connections = Number(process.env.BENCH_CONNECTIONS ?? (leadsMode ? 10 : 100));
const leadCount = Number(process.env.BENCH_LEADS ?? 1_000_000);
const quiet = { info: () => {}, debug: () => {}, warn: (m: string) => console.warn(m) };
const keptDir = process.env.BENCH_DATA_DIR ? resolve(process.env.BENCH_DATA_DIR) : null;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'iperform-bench-'));
// What a kept directory already holds, so a second run skips the preparation.
const preparedMark = join(dataDir, 'bench-prepared.json');

function prepared(): { leads: number; reports?: boolean } | null {
  return existsSync(preparedMark)
    ? (JSON.parse(readFileSync(preparedMark, 'utf8')) as { leads: number; reports?: boolean })
    : null;
}

async function prepare(): Promise<void> {
  const done = prepared();
  if (done && only === 'reports' && done.leads >= leadCount && !done.reports) {
    // A kept leads data set: give it the history and activities reports read.
    const server = await startEmbedded(dataDir, quiet);
    try {
      await generateReportsData(server.url, { activitiesPerLead, log: (m) => console.log(m) });
      writeFileSync(preparedMark, JSON.stringify({ ...done, reports: true }));
    } finally {
      await server.stop();
    }
    return;
  }
  if (done && (!leadsMode || done.leads >= leadCount)) return;
  if (done) throw new Error(`${dataDir} holds ${done.leads} leads; use another BENCH_DATA_DIR for ${leadCount}`);
  const server = await startEmbedded(dataDir, quiet);
  const dbs = connect(server.url, 4);
  try {
    await migrate(dbs.owner);
    const seeded = await seedDemo(dbs.app);
    if (!seeded) throw new Error('demo seed did not run');
    // A database in service has planner statistics (autovacuum gathers them within a minute of the seed); the
    // import benchmark takes them at once instead of racing autovacuum (docs/benchmarks.md says why it matters).
    if (only === 'imports') await sql`ANALYZE`.execute(dbs.owner);
    const hash = await hashPassword(DEMO_PASSWORD);
    await withTenant(dbs.app, seeded.demoCompanyId, async (trx) => {
      const rows: {
        company_id: string;
        id: string;
        email: string;
        name: string;
        role: 'MANAGER' | 'SALESPERSON' | 'WARRIOR';
        manager_id: string | null;
        password_hash: string;
      }[] = [];
      const managers: string[] = [];
      const sales: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const id = newId();
        const role = i < 20 ? 'MANAGER' : i < 200 ? 'SALESPERSON' : 'WARRIOR';
        const manager =
          role === 'MANAGER' ? null : role === 'SALESPERSON' ? managers[i % managers.length] : sales[i % sales.length];
        if (role === 'MANAGER') managers.push(id);
        if (role === 'SALESPERSON') sales.push(id);
        rows.push({
          company_id: seeded.demoCompanyId,
          id,
          email: `bench${i}@demo.test`,
          name: `Bench User ${String(i).padStart(4, '0')}`,
          role,
          manager_id: manager ?? null,
          password_hash: hash,
        });
      }
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        await trx.insertInto('users').values(chunk).execute();
        await trx
          .insertInto('user_directory')
          .values(chunk.map((r) => ({ email: r.email, company_id: r.company_id, user_id: r.id })))
          .execute();
      }
    });
    if (leadsMode) {
      console.log(`generating ${leadCount.toLocaleString('en')} leads ...`);
      await generateLeads(server.url, { count: leadCount, log: (m) => console.log(m) });
    }
    if (only === 'reports') {
      console.log(`generating stage history and ${activitiesPerLead} activities a lead ...`);
      await generateReportsData(server.url, { activitiesPerLead, log: (m) => console.log(m) });
    }
    // The same for the 1,000 users just added: the list benchmarks measure a database in service.
    await sql`ANALYZE`.execute(dbs.owner);
    writeFileSync(preparedMark, JSON.stringify({ leads: leadsMode ? leadCount : 0, reports: only === 'reports' }));
  } finally {
    await dbs.close();
    await server.stop();
  }
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      // BENCH_PROFILE=dir writes a V8 CPU profile of the server there, to see where its time goes.
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
      resolve(import.meta.dirname, '../server/src/main.ts'),
      'serve',
    ],
    {
      env: {
        ...process.env,
        IPERFORM_DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '1000000',
        // The webhook benchmark's receivers and the extractor benchmark's MariaDB are on loopback.
        ...(only === 'webhooks' || only === 'extractor' ? { IPERFORM_ALLOW_PRIVATE_ADDRESSES: '1' } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 300 && !exited; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(exited ? 'the server exited (see its message above)' : 'the server did not become ready in 30 s');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function load(name: string, url: string, token: string): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      { url, connections, duration: seconds, headers: { authorization: `Bearer ${token}` } },
      (error, outcome) => (error ? fail(error) : done(outcome)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  latencies.sort((a, b) => a - b);
  const non2xx = result.non2xx + result.errors + result.timeouts;
  const figures = {
    name,
    rps: result.requests.average,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    requests: result.requests.total,
    failed: non2xx,
  };
  console.log(
    `${name.padEnd(28)} ${String(Math.round(figures.rps)).padStart(7)} req/s   p50 ${figures.p50.toFixed(1)} ms   p95 ${figures.p95.toFixed(1)} ms   p99 ${figures.p99.toFixed(1)} ms   (${figures.requests} requests, ${non2xx} not 2xx)`,
  );
  return figures;
}

const port = 3900 + Math.floor(Math.random() * 90);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}`,
);
console.log(
  `preparing: embedded PostgreSQL, demo data + 1,000 users${leadsMode ? ` + ${leadCount.toLocaleString('en')} leads` : ''} ...`,
);
await prepare();
const server = await startServer(port);
try {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.test', password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  console.log(
    `autocannon: ${connections} connections, ${seconds} s per route; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (only === 'imports') {
    if (!server.pid) throw new Error('the server has no process id');
    console.log(importsTable(await runImportsBench(base, server.pid)));
  } else if (only === 'writes') {
    await runWritesBench(base, accessToken);
  } else if (only === 'webhooks') {
    const { runWebhooksBench, webhooksTable } = await import('./webhooks-bench.ts');
    console.log(webhooksTable(await runWebhooksBench(base, accessToken)));
  } else if (only === 'extractor') {
    if (!server.pid) throw new Error('the server has no process id');
    const { extractorTable, runExtractorBench } = await import('./extractor-bench.ts');
    console.log(extractorTable(await runExtractorBench(base, accessToken, server.pid)));
  } else if (only === 'erp') {
    if (!server.pid) throw new Error('the server has no process id');
    const { erpTable, runErpBench } = await import('./erp-bench.ts');
    console.log(erpTable(await runErpBench(base, server.pid)));
  } else if (only === 'reports') {
    const { reportsTable, runReportsBench } = await import('./reports-bench.ts');
    console.log(reportsTable(await runReportsBench(base, DEMO_PASSWORD)));
  } else if (only === 'exports') {
    if (!server.pid) throw new Error('the server has no process id');
    console.log(exportsTable(await runExportsBench(base, server.pid)));
  } else if (leadsMode) {
    const results = await runLeadsBench(base, load);
    console.log(
      `\nload average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    console.log(markdownTable(results));
  }
  if (!only || only === 'me') await load('GET /api/v1/auth/me', `${base}/api/v1/auth/me`, accessToken);
  if (!only || only === 'users') await load('GET /api/v1/users?limit=50', `${base}/api/v1/users?limit=50`, accessToken);
  if (only === 'lists') {
    // Every list of the app at its default page (50 rows where it pages), as the demo admin.
    const lists = [
      '/api/v1/users?limit=50',
      '/api/v1/leads?limit=50',
      '/api/v1/activities?limit=50',
      '/api/v1/notifications?limit=50',
      '/api/v1/views',
      '/api/v1/audit?limit=50',
      '/api/v1/partners',
      '/api/v1/imports',
      '/api/v1/email/templates',
      '/api/v1/leads/trash?limit=50',
    ];
    const results: LoadResult[] = [];
    for (const path of lists) results.push(await load(`GET ${path}`, `${base}${path}`, accessToken));
    console.log(`\n${markdownTable(results)}`);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}
