/**
 * The extractor benchmark (BENCH_ONLY=extractor): BENCH_EXTRACTOR_ROWS rows (100,000 by default) in a table of
 * the machine's MariaDB (127.0.0.1:3306, root, no password; database `iperform_bench`, made afresh), read by a
 * MySQL source through the API and the server's own job worker into new leads (batches of 1,000, duplicates
 * skipped), while this process polls the run and samples the server's memory. Prints rows read, created and
 * failed, the time from the run's start to its end, rows per second and the server's resident memory. Passes or
 * fails nothing.
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';

const ROWS = Number(process.env.BENCH_EXTRACTOR_ROWS ?? 100_000);
const DATABASE = 'iperform_bench';
const CITIES = ['Pune', 'Mumbai', 'Delhi', 'Bengaluru', 'Chennai', 'Hyderabad', 'Kolkata', 'Ahmedabad'];

export interface ExtractorFigures {
  rows: number;
  read: number;
  created: number;
  skipped: number;
  failed: number;
  seconds: number;
  rowsPerSecond: number;
  rssBefore: number;
  rssMax: number;
}

/** The server's resident memory now, in MiB (Linux /proc). */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
}

/** A fresh table of ROWS distinct people, each with an email and a phone of its own. */
async function fillMariaDb(): Promise<void> {
  const db = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
  try {
    await db.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await db.query(`CREATE DATABASE ${DATABASE}`);
    await db.query(`CREATE TABLE ${DATABASE}.customers (id INT PRIMARY KEY, full_name VARCHAR(120), email VARCHAR(160),
      phone VARCHAR(20), city VARCHAR(60), updated_at DATETIME)`);
    for (let from = 1; from <= ROWS; from += 5000) {
      const rows = [];
      for (let id = from; id < Math.min(from + 5000, ROWS + 1); id++) {
        rows.push([
          id,
          `Bench Customer ${id}`,
          `customer${id}@bench.example`,
          `+9198${String(id).padStart(8, '0')}`,
          CITIES[id % CITIES.length],
          new Date(Date.UTC(2026, 0, 1) + id * 1000),
        ]);
      }
      await db.query(`INSERT INTO ${DATABASE}.customers VALUES ?`, [rows]);
    }
  } finally {
    await db.end();
  }
}

export async function runExtractorBench(base: string, token: string, serverPid: number): Promise<ExtractorFigures> {
  await fillMariaDb();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const source = await api('POST', '/extractor/sources', {
    name: 'Bench customers',
    kind: 'mysql',
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    database: DATABASE,
    query: 'SELECT id, full_name, email, phone, city, updated_at FROM customers',
    cursorColumn: 'id',
    mapping: [
      { target: 'name', from: 'full_name' },
      { target: 'emails', from: 'email' },
      { target: 'phones', from: 'phone', transform: 'phone' },
      { target: 'city', from: 'city' },
    ],
    onDuplicate: 'skip',
    batchSize: 1000,
  });
  const rssBefore = rss(serverPid);
  let rssMax = rssBefore;
  const run = await api('POST', `/extractor/sources/${source.id}/runs`);
  let state = run;
  while (!['succeeded', 'failed', 'cancelled'].includes(String(state.status))) {
    await new Promise((r) => setTimeout(r, 500));
    rssMax = Math.max(rssMax, rss(serverPid));
    state = await api('GET', `/extractor/runs/${run.id}`);
  }
  if (state.status !== 'succeeded') throw new Error(`the run ended ${state.status}: ${state.error}`);
  const seconds = (Date.parse(String(state.finishedAt)) - Date.parse(String(state.startedAt))) / 1000;
  return {
    rows: ROWS,
    read: Number(state.rowsRead),
    created: Number(state.created),
    skipped: Number(state.skipped),
    failed: Number(state.failed),
    seconds,
    rowsPerSecond: Number(state.rowsRead) / seconds,
    rssBefore,
    rssMax,
  };
}

export function extractorTable(f: ExtractorFigures): string {
  return [
    '| rows in MariaDB | read | created | skipped | failed | seconds | rows/s | server RSS before → max (MiB) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${f.rows.toLocaleString('en')} | ${f.read.toLocaleString('en')} | ${f.created.toLocaleString('en')} | ` +
      `${f.skipped} | ${f.failed} | ${f.seconds.toFixed(1)} | ${Math.round(f.rowsPerSecond).toLocaleString('en')} | ` +
      `${Math.round(f.rssBefore)} → ${Math.round(f.rssMax)} |`,
  ].join('\n');
}
