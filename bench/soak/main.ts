/**
 * Soak: SOAK_USERS people (2% managers, 20% salespeople, the rest warriors) of a company of SOAK_LEADS leads
 * work for SOAK_MINUTES through the HTTP API of a server started in its own process: lists and filters,
 * search, a lead with its timeline, notes, stage moves, follow-ups scheduled and completed, My day, the board's
 * counts, with think time between actions (exponential, mean SOAK_THINK_SECONDS) and each person's
 * notification stream held open. Prints each request type's count, p50/p95/p99 and errors, and the server's
 * memory every 10 s with its slope over the last 5 minutes. Prints figures; passes or fails nothing.
 *
 *   npm run bench:soak                                         # 500 users, 10 minutes, 1,000,000 leads
 *   SOAK_USERS=50 SOAK_MINUTES=2 SOAK_LEADS=50000 npm run bench:soak
 *   BENCH_DATA_DIR=/tmp/iperform-soak npm run bench:soak       # keep the prepared data for the next run
 *
 * The load generator is this one process (async, Node's fetch); it talks only to 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_PASSWORD } from '../../server/src/composition/demo-seed.ts';
import { Client } from './client.ts';
import { hierarchy, prepare, SOAK_PASSWORD, startServer, stopServer } from './prepare.ts';
import { exponential, Session, type World } from './session.ts';
import { latencyTable, type MemorySample, memoryTable, Recorder, slope } from './stats.ts';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number`);
  return value;
};
const users = Math.max(1, Math.floor(num('SOAK_USERS', 500)));
const minutes = num('SOAK_MINUTES', 10);
const leads = Math.floor(num('SOAK_LEADS', 1_000_000));
const thinkMs = num('SOAK_THINK_SECONDS', 5) * 1000;
const sampleMs = 10_000;

const keptDir = process.env.BENCH_DATA_DIR ? resolve(process.env.BENCH_DATA_DIR) : null;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'iperform-soak-'));
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function heapUsedMiB(): Promise<number | null> {
  try {
    const text = await (await fetch(`${base}/metrics`)).text();
    const bytes = /^iperform_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1];
    return bytes ? Number(bytes) / 2 ** 20 : null;
  } catch {
    return null;
  }
}

const perMinute = (v: number) => (Number.isNaN(v) ? 'too few samples' : `${v.toFixed(2)} MiB/min`);

/** Not interactive: signing in (a deliberate password hash) and holding the stream open are not clicks. */
const interactive = (type: string) => type !== 'login' && type !== 'token refresh';

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; load average ${load()}`,
);
console.log(
  `soak: ${users} users, ${minutes} min, ${leads.toLocaleString('en')} leads, think time mean ${thinkMs / 1000} s; data in ${dataDir}`,
);
const people = hierarchy(users);
await prepare(dataDir, people, leads, port, (m) => console.log(m));
const server = await startServer(dataDir, port);
const stop = new AbortController();
try {
  if (!server.pid) throw new Error('the server has no process id');
  const pid = server.pid;
  const recorder = new Recorder();
  // The admin only reads the pipeline for the sessions; its requests are not part of the figures.
  const admin = new Client(base, new Recorder(), '10.0.0.1');
  await admin.login('admin@demo.test', DEMO_PASSWORD);
  const stages = (await admin.call('setup', 'GET', '/api/v1/pipeline/stages')) as {
    data: { key: string; kind: string; requiredFields: string[] }[];
  };
  const openStages = stages.data.filter((s) => s.kind === 'open' && s.requiredFields.length === 0).map((s) => s.key);
  if (openStages.length < 2) throw new Error('the soak needs two open stages without required fields');

  // Sign everyone in (two at a time: each checks a deliberately slow password hash), as people arrive.
  const started = Date.now();
  const clients = people.map((_, i) => new Client(base, recorder, `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`));
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < people.length) {
        const i = next++;
        await clients[i]?.login((people[i] as { email: string }).email, SOAK_PASSWORD);
      }
    }),
  );
  console.log(`signed in ${users} users in ${Math.round((Date.now() - started) / 1000)} s; load average ${load()}`);

  const cpuBefore = process.cpuUsage();
  const t0 = Date.now();
  const world: World = { openStages, thinkMs, until: t0 + minutes * 60_000, notifications: { received: 0 } };
  const samples: MemorySample[] = [];
  const sample = async () => {
    samples.push({ at: (Date.now() - t0) / 1000, rssMiB: rssMiB(pid), heapUsedMiB: await heapUsedMiB() });
  };
  await sample();
  const sampler = setInterval(() => void sample(), sampleMs);
  const progress = setInterval(() => {
    const done = [...recorder.types.values()].reduce((a, t) => a + t.latencies.length, 0);
    const last = samples.at(-1);
    console.log(
      `  ${((Date.now() - t0) / 60_000).toFixed(1)} min: ${done.toLocaleString('en')} requests, server RSS ${last?.rssMiB.toFixed(0)} MiB, load average ${load()}`,
    );
  }, 60_000);
  // People arrive over the first moments, not all in the same millisecond: each opens the app (its stream)
  // after its own first think time, then works.
  const streams = clients.map(async (c) => {
    await new Promise((r) => setTimeout(r, exponential(thinkMs)));
    await c.holdStream(stop.signal, () => {
      world.notifications.received++;
    });
  });
  await Promise.all(clients.map((c, i) => new Session(c, world, (people[i] as { role: 'WARRIOR' }).role).run()));
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  clearInterval(progress);
  stop.abort();
  await Promise.allSettled(streams);
  const cpu = process.cpuUsage(cpuBefore);

  console.log(`\nload average after: ${load()}`);
  console.log(
    `load generator (this process): ${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)} of a core on average; ${world.notifications.received} notifications received on the streams\n`,
  );
  console.log(latencyTable(recorder, seconds, interactive));
  const lastFive = Math.max(0, seconds - 300);
  console.log(
    `\nserver memory, every ${sampleMs / 1000} s (slope over the last ${Math.round((seconds - lastFive) / 60)} min: ${perMinute(slope(samples, lastFive))} RSS):\n`,
  );
  console.log(
    `(slope over the second half of the run, after the warm-up: ${perMinute(slope(samples, seconds / 2))})\n`,
  );
  console.log(memoryTable(samples));
} finally {
  stop.abort();
  await stopServer(server);
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}
