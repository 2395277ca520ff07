/**
 * Every pre-built report (over its own default window, and over all time) and every role's default dashboard,
 * run one request at a time for the demo admin, a manager and a salesperson: p50 and p95 per report, and the
 * slowest. Prints a markdown table; passes or fails nothing.
 */
import { prebuiltReports } from '../server/src/modules/reports/catalog.ts';

export interface ReportTiming {
  who: string;
  key: string;
  window: string;
  p50: number;
  p95: number;
  rows: number;
  failed: number;
}

const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 5);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function token(base: string, email: string, password: string): Promise<string> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return ((await login.json()) as { accessToken: string }).accessToken;
}

export async function runReportsBench(base: string, password: string): Promise<ReportTiming[]> {
  const people = process.env.BENCH_PEOPLE?.split(',') ?? ['admin@demo.test', 'manager1@demo.test', 'sales1@demo.test'];
  const only = process.env.BENCH_REPORTS?.split(',');
  const out: ReportTiming[] = [];
  for (const who of people) {
    let bearer = await token(base, who, password);
    let signedAt = Date.now();
    for (const report of prebuiltReports.filter((r) => !only || only.includes(r.key))) {
      for (const window of [
        { name: report.range, body: {} },
        { name: 'all time', body: { from: '2000-01-01', to: '2100-12-31' } },
      ]) {
        if (window.name === 'all' && window.body.from === undefined) continue;
        // Access tokens last 15 minutes: sign in again well before.
        if (Date.now() - signedAt > 10 * 60_000) {
          bearer = await token(base, who, password);
          signedAt = Date.now();
        }
        const times: number[] = [];
        let rows = 0;
        let failed = 0;
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          const res = await fetch(`${base}/api/v1/reports/run`, {
            method: 'POST',
            headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
            body: JSON.stringify({ report: report.key, ...window.body }),
          });
          const body = (await res.json()) as { total?: number };
          times.push(performance.now() - started);
          if (res.status === 403) break;
          if (res.status !== 200) failed++;
          rows = body.total ?? 0;
        }
        if (times.length < RUNS) continue; // not offered to this role
        times.sort((a, b) => a - b);
        const timing = {
          who,
          key: report.key,
          window: window.name,
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          rows,
          failed,
        };
        out.push(timing);
        console.log(
          `${who.padEnd(20)} ${report.key.padEnd(40)} ${window.name.padEnd(13)} p50 ${timing.p50.toFixed(0).padStart(6)} ms  p95 ${timing.p95.toFixed(0).padStart(6)} ms  ${rows} rows${failed ? `  ${failed} FAILED` : ''}`,
        );
      }
    }
  }
  return out;
}

export function reportsTable(results: ReportTiming[]): string {
  const lines = ['| who | report | window | p50 ms | p95 ms | rows |', '| --- | --- | --- | ---: | ---: | ---: |'];
  const slow = [...results].sort((a, b) => b.p95 - a.p95);
  for (const r of slow.slice(0, 25)) {
    lines.push(`| ${r.who} | ${r.key} | ${r.window} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.rows} |`);
  }
  for (const who of new Set(results.map((r) => r.who))) {
    const mine = results.filter((r) => r.who === who);
    const under = mine.filter((r) => r.p95 <= 500).length;
    lines.push(
      `\n${who}: ${under} of ${mine.length} report runs at p95 <= 500 ms; slowest p95 ${Math.max(...mine.map((r) => r.p95)).toFixed(0)} ms`,
    );
  }
  return lines.join('\n');
}
