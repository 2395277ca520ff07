/**
 * The soak's company: Demo Co, a sales hierarchy of SOAK_USERS people created through the API as the demo
 * admin would (managers, their salespeople, the salespeople's warriors), then SOAK_LEADS generated leads owned
 * by the salespeople (bench/leads-data.ts) and planner statistics. Kept in BENCH_DATA_DIR when given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { DEMO_PASSWORD, seedDemo } from '../../server/src/composition/demo-seed.ts';
import { connect, migrate } from '../../server/src/db/client.ts';
import { startEmbedded } from '../../server/src/db/embedded.ts';
import { generateLeads } from '../leads-data.ts';

export type FieldRole = 'MANAGER' | 'SALESPERSON' | 'WARRIOR';
export interface Person {
  email: string;
  role: FieldRole;
}

/** Every soak user signs in with this (long enough and not a common password). */
export const SOAK_PASSWORD = 'soak-user-password-2026';

const quiet = { info: () => {}, debug: () => {}, warn: (m: string) => console.warn(m) };

/** The hierarchy for `count` people: 2% managers, 20% salespeople, the rest warriors (10 / 100 / 390 of 500). */
export function hierarchy(count: number): Person[] {
  const managers = Math.max(1, Math.round(count * 0.02));
  const sales = Math.max(1, Math.round(count * 0.2));
  return Array.from({ length: count }, (_, i) => {
    const role: FieldRole = i < managers ? 'MANAGER' : i < managers + sales ? 'SALESPERSON' : 'WARRIOR';
    return { email: `soak${String(i).padStart(4, '0')}@demo.test`, role };
  });
}

/** The API server as its own process, as in production; resolves once it answers /readyz. */
export async function startServer(dataDir: string, port: number, env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', resolve(import.meta.dirname, '../../server/src/main.ts'), 'serve'],
    {
      env: {
        ...process.env,
        IPERFORM_DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // Each virtual user comes from its own address (X-Forwarded-For), as people behind a proxy do.
        TRUST_PROXY: 'true',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 600 && !exited; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(exited ? 'the server exited (see its message above)' : 'the server did not become ready in 60 s');
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function json(response: Response, what: string): Promise<unknown> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Creates the hierarchy through POST /users as the demo admin (the same rules and audit as any admin). */
async function createPeople(base: string, people: Person[], log: (m: string) => void): Promise<void> {
  const login = (await json(
    await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.test', password: DEMO_PASSWORD }),
    }),
    'admin login',
  )) as { accessToken: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` };
  const ids = new Map<string, string>();
  const managers = people.filter((p) => p.role === 'MANAGER');
  const sales = people.filter((p) => p.role === 'SALESPERSON');
  const managerOf = (p: Person, i: number): string | null => {
    const above = p.role === 'SALESPERSON' ? managers : p.role === 'WARRIOR' ? sales : [];
    const boss = above[i % Math.max(1, above.length)];
    return boss ? (ids.get(boss.email) ?? null) : null;
  };
  // Level by level (a report needs its manager's id); four at a time (each hashes a password).
  for (const level of ['MANAGER', 'SALESPERSON', 'WARRIOR'] as const) {
    const group = people.filter((p) => p.role === level);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < group.length) {
          const i = next++;
          const person = group[i] as Person;
          const created = (await json(
            await fetch(`${base}/api/v1/users`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                email: person.email,
                name: `Soak ${level.toLowerCase()} ${String(i).padStart(3, '0')}`,
                role: level,
                managerId: managerOf(person, i),
                password: SOAK_PASSWORD,
              }),
            }),
            `create ${person.email}`,
          )) as { id: string };
          ids.set(person.email, created.id);
        }
      }),
    );
    log(`  users: ${group.length} ${level.toLowerCase()}s created`);
  }
}

/** Prepares `dataDir` for `people` and `leads` unless it already holds them. */
export async function prepare(
  dataDir: string,
  people: Person[],
  leads: number,
  port: number,
  log: (m: string) => void,
): Promise<void> {
  const mark = join(dataDir, 'soak-prepared.json');
  if (existsSync(mark)) {
    const done = JSON.parse(readFileSync(mark, 'utf8')) as { users: number; leads: number };
    if (done.users === people.length && done.leads === leads) return;
    throw new Error(`${dataDir} holds ${done.users} users and ${done.leads} leads; use another BENCH_DATA_DIR`);
  }
  const started = Date.now();
  let embedded = await startEmbedded(dataDir, quiet);
  let dbs = connect(embedded.url, 2);
  try {
    await migrate(dbs.owner);
    if (!(await seedDemo(dbs.app))) throw new Error('demo seed did not run (is the directory fresh?)');
  } finally {
    await dbs.close();
    await embedded.stop();
  }
  const server = await startServer(dataDir, port);
  try {
    await createPeople(`http://127.0.0.1:${port}`, people, log);
  } finally {
    await stopServer(server);
  }
  embedded = await startEmbedded(dataDir, quiet);
  dbs = connect(embedded.url, 2);
  try {
    log(`  leads: generating ${leads.toLocaleString('en')} ...`);
    await generateLeads(embedded.url, { count: leads, log });
    // A database in service has planner statistics; take them now rather than racing autovacuum.
    await sql`ANALYZE`.execute(dbs.owner);
  } finally {
    await dbs.close();
    await embedded.stop();
  }
  writeFileSync(mark, JSON.stringify({ users: people.length, leads }));
  log(`  prepared in ${Math.round((Date.now() - started) / 1000)} s`);
}
