/**
 * The leads part of the load benchmark (BENCH_ONLY=leads): Demo Co filled with BENCH_LEADS generated leads (a
 * million by default), then the list, its filters, search, sort and the board's counts, each as an admin (every
 * lead), a manager (its team's) and a salesperson (its own, its warriors' and co-sold ones).
 */
import { DEMO_PASSWORD } from '../server/src/composition/demo-seed.ts';

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  failed: number;
}

export type Load = (name: string, url: string, token: string) => Promise<LoadResult>;

const people = [
  { role: 'ADMIN', email: 'admin@demo.test' },
  { role: 'MANAGER', email: 'manager1@demo.test' },
  { role: 'SALESPERSON', email: 'sales1@demo.test' },
] as const;

/** A lead of sales1 (so every one of the three sees it) for the phone search, and sales1's id for the filter. */
async function pick(base: string, adminToken: string) {
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return (await response.json()) as { data: { id: string; email?: string; phones?: string[] }[] };
  };
  const owner = (await get('/api/v1/users?q=sales1%40demo.test')).data.find((u) => u.email === 'sales1@demo.test');
  if (!owner) throw new Error('no sales1@demo.test');
  const leads = await get(`/api/v1/leads?limit=200&ownerId=${owner.id}`);
  const phone = leads.data.flatMap((l) => l.phones ?? []).find((p) => p.startsWith('+91'));
  if (!phone) throw new Error('no lead of sales1 with an Indian phone number: generate the leads first');
  return { owner: owner.id, phone };
}

/** +919876543210 as a person would type it: 098765 43210. */
const typed = (e164: string) => `0${e164.slice(3, 8)} ${e164.slice(8)}`;

async function token(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

export async function runLeadsBench(base: string, load: Load): Promise<LoadResult[]> {
  const { owner, phone } = await pick(base, await token(base, 'admin@demo.test'));
  const scenarios: [string, string][] = [
    ['list, default sort', '/api/v1/leads?limit=50'],
    ['list, stage + owner filter', `/api/v1/leads?limit=50&stage=demo,proposal&ownerId=${owner}`],
    ['search, a name word', '/api/v1/leads?limit=50&q=kulkarni'],
    ['search, with typos', `/api/v1/leads?limit=50&q=${encodeURIComponent('anaya iyr')}`],
    ['search, a phone number', `/api/v1/leads?limit=50&q=${encodeURIComponent(typed(phone))}`],
    ['sort by expected value', '/api/v1/leads?limit=50&sort=-expectedValue'],
    ['stage counts', '/api/v1/leads/counts'],
  ];
  const only = process.env.BENCH_SCENARIO;
  const results: LoadResult[] = [];
  for (const person of people) {
    const bearer = await token(base, person.email);
    for (const [label, path] of scenarios) {
      if (only && !label.includes(only)) continue;
      // Warm up: the first requests pay for plans and cold pages; what is measured is the steady state.
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
        if (!response.ok) throw new Error(`${path} as ${person.email}: ${response.status} ${await response.text()}`);
        rows = ((await response.json()) as { data: unknown[] }).data.length;
      }
      const result = await load(`${person.role} ${label} (${rows} rows)`, `${base}${path}`, bearer);
      results.push(result);
    }
  }
  return results;
}

/** The figures as the markdown table docs/benchmarks.md shows. */
export function markdownTable(results: LoadResult[]): string {
  const lines = [
    '| role, request | req/s | p50 | p95 | p99 |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.p99.toFixed(1)} ms |`,
    ),
  ];
  return lines.join('\n');
}
