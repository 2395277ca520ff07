/**
 * The export part of the benchmark (BENCH_ONLY=exports): the leads data set of the leads benchmark (BENCH_LEADS,
 * a million by default, reused from BENCH_DATA_DIR), exported whole through GET /api/v1/leads/export as the demo
 * admin (every lead) in each format of BENCH_FORMATS (default csv,xlsx,json), and as sales1 (its own) in CSV.
 * While each export streams, the server process's resident memory is sampled every 100 ms: flat memory is the
 * point. Prints rows/s, seconds, MB written and RSS before / peak; passes or fails nothing.
 */
import { readFileSync } from 'node:fs';
import { DEMO_PASSWORD } from '../server/src/composition/demo-seed.ts';

export interface ExportResult {
  name: string;
  rows: number;
  seconds: number;
  megabytes: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  /** RSS at a quarter, half, three quarters and the end of the export: flat when memory does not grow with rows. */
  rssQuartersMb: number[];
}

/** The resident set of a process, from /proc (Linux), in MiB. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function token(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function exportOnce(base: string, serverPid: number, name: string, bearer: string, query: string) {
  const headers = { authorization: `Bearer ${bearer}` };
  const rssBeforeMb = rssMb(serverPid);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(serverPid)), 100);
  const started = performance.now();
  let bytes = 0;
  try {
    const response = await fetch(`${base}/api/v1/leads/export?${query}`, { headers });
    if (!response.ok || !response.body) throw new Error(`${name}: ${response.status} ${await response.text()}`);
    for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  // The audit row of the export says how many rows it held.
  const audit = await fetch(`${base}/api/v1/audit?entityType=lead_export&limit=1`, {
    headers: { authorization: `Bearer ${await token(base, 'admin@demo.test')}` },
  });
  const entry = ((await audit.json()) as { data: { changes: { rows: { to: number } } }[] }).data[0];
  const rows = entry?.changes.rows.to ?? 0;
  const rssPeakMb = Math.max(rssBeforeMb, ...samples);
  const rssQuartersMb = [1, 2, 3, 4].map(
    (q) => samples[Math.max(0, Math.ceil((samples.length * q) / 4) - 1)] ?? rssBeforeMb,
  );
  const result: ExportResult = {
    name,
    rows,
    seconds,
    megabytes: bytes / 2 ** 20,
    rssBeforeMb,
    rssPeakMb,
    rssQuartersMb,
  };
  console.log(
    `${name.padEnd(24)} ${rows.toLocaleString('en').padStart(10)} rows  ${seconds.toFixed(1).padStart(6)} s  ${Math.round(
      rows / seconds,
    )
      .toLocaleString('en')
      .padStart(
        7,
      )} rows/s  ${result.megabytes.toFixed(0).padStart(5)} MB  RSS ${rssBeforeMb.toFixed(0)} -> ${rssQuartersMb.map((m) => m.toFixed(0)).join(' / ')} (peak ${rssPeakMb.toFixed(0)}) MiB`,
  );
  return result;
}

export async function runExportsBench(base: string, serverPid: number): Promise<ExportResult[]> {
  const formats = (process.env.BENCH_FORMATS ?? 'json,csv,xlsx').split(',');
  const admin = await token(base, 'admin@demo.test');
  const sales = await token(base, 'sales1@demo.test');
  const results: ExportResult[] = [];
  // A small export first: the first request pays for plans and cold pages.
  await exportOnce(base, serverPid, 'warm-up', admin, 'format=csv&stage=won&columns=id');
  for (const format of formats) {
    results.push(await exportOnce(base, serverPid, `ADMIN ${format}, every lead`, admin, `format=${format}`));
  }
  results.push(await exportOnce(base, serverPid, 'SALESPERSON csv, its own', sales, 'format=csv'));
  return results;
}

export function exportsTable(results: ExportResult[]): string {
  return [
    '| export | rows | seconds | rows/s | size | server RSS before → at ¼ / ½ / ¾ / end of the export (peak) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds).toLocaleString('en')} | ${r.megabytes.toFixed(0)} MB | ${r.rssBeforeMb.toFixed(0)} → ${r.rssQuartersMb.map((m) => m.toFixed(0)).join(' / ')} (${r.rssPeakMb.toFixed(0)}) MiB |`,
    ),
  ].join('\n');
}
