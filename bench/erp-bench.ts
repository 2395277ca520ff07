/**
 * The ERP sync benchmark (BENCH_ONLY=erp). Each connector's fake runs in this process, seeded with
 * BENCH_ERP_CUSTOMERS customers (50,000) and BENCH_ERP_INVOICES invoices (200,000; BENCH_ERP_PAYMENTS payments, 0);
 * Zoho CRM has customers only (leads). For each connector in BENCH_ERP_CONNECTORS (tally, quickbooks, zoho_books,
 * sapb1, zoho_crm) a connection is made through the API as an admin would (OAuth connectors through the callback,
 * with a code the fake's token endpoint takes), then a first full sync is asked for and runs in the server's own
 * job worker while this process polls the run and samples the server's memory. Prints per connector the wall
 * time, records per second, the run's counts and the server's peak RSS.
 *
 * Then, for each connector in BENCH_ERP_WON_CONNECTORS (tally, quickbooks), BENCH_ERP_WON leads (200) are moved to
 * Won one at a time through the API (BENCH_ERP_WON_PAUSE_MS, 100 ms, between) and the fake's records are polled
 * (every 5 ms) until the customer exists: the delay from the stage request to the customer in the ERP,
 * p50/p95/max. Every other connection is paused meanwhile, so each won lead goes to one ERP. Passes or fails
 * nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEMO_PASSWORD } from '../server/src/composition/demo-seed.ts';
import { type FakeQuickbooks, startFakeQuickbooks } from '../server/test/fakes/erp-quickbooks.ts';
import { type FakeSapB1, startFakeSapB1 } from '../server/test/fakes/erp-sap-b1.ts';
import { type FakeTally, startFakeTally } from '../server/test/fakes/erp-tally.ts';
import { startZohoFake, type ZohoFake } from '../server/test/fakes/erp-zoho.ts';

const ALL = ['tally', 'quickbooks', 'zoho_books', 'sapb1', 'zoho_crm'] as const;
type ConnectorId = (typeof ALL)[number];

const list = (value: string | undefined, fallback: readonly string[]) =>
  (value ? value.split(',') : fallback).map((s) => s.trim()).filter(Boolean) as ConnectorId[];

const CUSTOMERS = Number(process.env.BENCH_ERP_CUSTOMERS ?? 50_000);
const INVOICES = Number(process.env.BENCH_ERP_INVOICES ?? 200_000);
const PAYMENTS = Number(process.env.BENCH_ERP_PAYMENTS ?? 0);
const CONNECTORS = list(process.env.BENCH_ERP_CONNECTORS, ALL);
const WON_CONNECTORS = list(process.env.BENCH_ERP_WON_CONNECTORS, ['tally', 'quickbooks']).filter((c) =>
  CONNECTORS.includes(c),
);
const WON = Number(process.env.BENCH_ERP_WON ?? 200);
const WON_PAUSE_MS = Number(process.env.BENCH_ERP_WON_PAUSE_MS ?? 100);
/** How long a won lead may take to reach the ERP before it counts as missing. */
const WON_TIMEOUT_MS = 60_000;
/** The longest a full sync may run before the benchmark gives up on it. */
const SYNC_TIMEOUT_MS = Number(process.env.BENCH_ERP_SYNC_TIMEOUT_S ?? 3600) * 1000;

export interface SyncFigures {
  connector: ConnectorId;
  /** Why the connector was not measured, when it was not. */
  skipped: string | null;
  customers: number;
  invoices: number;
  payments: number;
  status: string;
  error: string | null;
  seconds: number;
  records: number;
  recordsPerSecond: number;
  counts: Record<string, number>;
  rssBefore: number;
  rssMax: number;
  /** VmHWM after resetting it before the run (or the process's lifetime peak when the reset is refused). */
  peak: number;
  peakReset: boolean;
  /** Requests the fake answered during the run (reads, token refreshes, logins). */
  erpRequests: number;
}

export interface WonFigures {
  connector: ConnectorId;
  won: number;
  arrived: number;
  p50: number;
  p95: number;
  max: number;
  stageP50: number;
}

export interface ErpFigures {
  sync: SyncFigures[];
  won: WonFigures[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's resident memory now and at its peak (Linux /proc), in MiB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; false when the kernel refuses. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

type Fake =
  | { kind: 'tally'; fake: FakeTally }
  | { kind: 'quickbooks'; fake: FakeQuickbooks }
  | { kind: 'zoho'; fake: ZohoFake }
  | { kind: 'sapb1'; fake: FakeSapB1 };

interface Prepared {
  fake: Fake;
  /** Requests the fake has answered so far. */
  requests(): number;
  body: { connector: ConnectorId; name: string; settings: Record<string, unknown>; secrets: Record<string, string> };
  /** For the OAuth callback. */
  realmId?: string;
  close(): Promise<void>;
}

async function startFake(connector: ConnectorId): Promise<Prepared> {
  const counts = { customers: CUSTOMERS, invoices: INVOICES, payments: PAYMENTS };
  const name = `Bench ${connector}`;
  if (connector === 'tally') {
    const fake = await startFakeTally('Acme Traders');
    fake.seedBulk(counts);
    return {
      fake: { kind: 'tally', fake },
      requests: () => fake.requests.length,
      body: { connector, name, settings: { url: fake.url, company: 'Acme Traders' }, secrets: {} },
      close: () => fake.close(),
    };
  }
  if (connector === 'quickbooks') {
    const fake = await startFakeQuickbooks();
    fake.seedBulk(counts);
    const { settings } = fake.connection();
    return {
      fake: { kind: 'quickbooks', fake },
      requests: () => fake.requests.length,
      // The admin gives the app's client id and secret; the tokens come from the OAuth flow.
      body: { connector, name, settings, secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret } },
      realmId: fake.realmId,
      close: () => fake.close(),
    };
  }
  if (connector === 'sapb1') {
    const fake = await startFakeSapB1();
    fake.seedBulk(counts);
    return {
      fake: { kind: 'sapb1', fake },
      requests: () => fake.requests.length,
      body: {
        connector,
        name,
        settings: { baseUrl: fake.url, companyDb: fake.companyDb, userName: fake.userName },
        secrets: { password: fake.password },
      },
      close: () => fake.close(),
    };
  }
  const fake = await startZohoFake();
  const crm = connector === 'zoho_crm';
  fake.seedBulk(crm ? { customers: CUSTOMERS, product: 'crm' } : { ...counts, product: 'books' });
  return {
    fake: { kind: 'zoho', fake },
    requests: () => fake.requests.length,
    body: {
      connector,
      name,
      settings: {
        accountsUrl: fake.url,
        apiDomain: fake.url,
        ...(crm ? {} : { organizationId: fake.organizationId }),
      },
      secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret },
    },
    close: () => fake.close(),
  };
}

/** The API as the demo admin; logs in again when the access token expires (15 minutes; a full run takes longer). */
class Api {
  readonly base: string;
  private token = '';
  constructor(base: string) {
    this.base = base;
  }

  private async login(): Promise<void> {
    const res = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.test', password: DEMO_PASSWORD }),
    });
    if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
    this.token = ((await res.json()) as { accessToken: string }).accessToken;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token) await this.login();
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 401 && attempt === 0) {
        await response.arrayBuffer();
        await this.login();
        continue;
      }
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (response.status === 204 ? undefined : response.json()) as Promise<T>;
    }
  }
}

/**
 * Connects an OAuth connection as a browser would: the authorize URL's state and redirect_uri, then the vendor's
 * redirect to the callback with a code (none of the fakes has an authorize page; QuickBooks' token endpoint takes
 * any code for grant_type=authorization_code). Answers null when connected, else why not.
 */
async function connectOAuth(api: Api, id: string, prepared: Prepared): Promise<string | null> {
  const { authorizeUrl } = await api.call<{ authorizeUrl: string }>('POST', `/erp/connections/${id}/oauth`);
  const url = new URL(authorizeUrl);
  const state = url.searchParams.get('state') ?? '';
  const redirect = new URL(url.searchParams.get('redirect_uri') ?? `${api.base}/api/v1/erp/oauth/callback`);
  redirect.searchParams.set('code', 'bench-authorization-code');
  redirect.searchParams.set('state', state);
  if (prepared.realmId) redirect.searchParams.set('realmId', prepared.realmId);
  const res = await fetch(redirect, { redirect: 'manual' });
  await res.arrayBuffer();
  const location = res.headers.get('location') ?? '';
  const outcome = new URL(location, api.base).searchParams.get('oauth');
  if (res.status === 302 && outcome === 'connected') return null;
  return `the OAuth callback answered ${res.status} ${location}`;
}

async function createConnection(api: Api, prepared: Prepared): Promise<{ id: string; problem: string | null }> {
  const created = await api.call<{ id: string; status: string }>('POST', '/erp/connections', prepared.body);
  if (created.status === 'connected') return { id: created.id, problem: null };
  return { id: created.id, problem: await connectOAuth(api, created.id, prepared) };
}

interface RunView {
  status: string;
  phase: string | null;
  counts: Record<string, number>;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

async function fullSync(
  api: Api,
  pid: number,
  connector: ConnectorId,
  id: string,
): Promise<Omit<SyncFigures, 'skipped' | 'customers' | 'invoices' | 'payments' | 'erpRequests'>> {
  const rssBefore = memory(pid).rss;
  const peakReset = resetPeak(pid);
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, memory(pid).rss);
  }, 200);
  const started = performance.now();
  const run = await api.call<{ id: string }>('POST', `/erp/connections/${id}/sync`, { full: true });
  let view: RunView;
  let lastLog = 0;
  try {
    for (;;) {
      view = await api.call<RunView>('GET', `/erp/runs/${run.id}`);
      if (view.status === 'succeeded' || view.status === 'failed') break;
      const elapsed = performance.now() - started;
      if (elapsed - lastLog > 15_000) {
        lastLog = elapsed;
        console.log(
          `  ${connector}: ${(elapsed / 1000).toFixed(0)} s, ${view.phase ?? view.status}, ${JSON.stringify(view.counts)}, RSS ${memory(pid).rss.toFixed(0)} MiB`,
        );
      }
      if (elapsed > SYNC_TIMEOUT_MS) throw new Error(`${connector}: the sync did not finish in ${SYNC_TIMEOUT_MS} ms`);
      await sleep(250);
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const mem = memory(pid);
  const records = (view.counts.customersRead ?? 0) + (view.counts.invoicesRead ?? 0) + (view.counts.paymentsRead ?? 0);
  return {
    connector,
    status: view.status,
    error: view.error,
    seconds,
    records,
    recordsPerSecond: records / seconds,
    counts: view.counts,
    rssBefore,
    rssMax: Math.max(rssMax, mem.rss),
    peak: mem.peak,
    peakReset,
  };
}

/** Whether the ERP now holds a customer for the won lead (by the name the default mapping gives it). */
function finder(fake: Fake): (lead: { name: string; companyName: string }) => boolean {
  if (fake.kind === 'tally') {
    // Tally names the ledger after the company.
    return (lead) => fake.fake.ledger(lead.companyName) !== undefined;
  }
  if (fake.kind === 'quickbooks') {
    // New customers are appended to the store's creation order: look at those added since the last look.
    const seen = new Set<string>();
    let from = fake.fake.customers.order.length;
    return (lead) => {
      const order = fake.fake.customers.order;
      for (; from < order.length; from++) {
        const record = fake.fake.customers.get(order[from] as string);
        if (record) seen.add(String(record.DisplayName));
      }
      return seen.has(lead.name);
    };
  }
  if (fake.kind === 'sapb1') {
    // A look through the partners only when their number changed (once a won lead, not every poll).
    const seen = new Set<string>();
    let size = fake.fake.businessPartners.size;
    return (lead) => {
      const partners = fake.fake.businessPartners;
      if (partners.size !== size) {
        let i = 0;
        for (const bp of partners.values()) if (i++ >= size) seen.add(String(bp.CardName));
        size = partners.size;
      }
      return seen.has(lead.companyName);
    };
  }
  throw new Error('no finder for this fake');
}

async function wonLatency(api: Api, connector: ConnectorId, fake: Fake): Promise<WonFigures> {
  const leads: { id: string; version: number; name: string; companyName: string }[] = [];
  const tag = `${connector}-${Date.now().toString(36)}`;
  for (let i = 0; i < WON; i++) {
    const lead = await api.call<{ id: string; version: number; name: string; companyName: string }>('POST', '/leads', {
      name: `ERP Won ${tag} ${i}`,
      companyName: `ERP Won Co ${tag} ${i}`,
      emails: [`won-${tag}-${i}@erp-bench.example`],
      phones: [`+9197${String(10_000_000 + i).padStart(8, '0')}`],
      expectedValue: 50_000 + i,
      source: 'api',
      city: 'Pune',
    });
    leads.push(lead);
  }
  const exists = finder(fake);
  const delays: number[] = [];
  const stage: number[] = [];
  let arrived = 0;
  for (const lead of leads) {
    const started = performance.now();
    await api.call('POST', `/leads/${lead.id}/stage`, { stage: 'won', version: lead.version });
    stage.push(performance.now() - started);
    for (;;) {
      if (exists(lead)) {
        delays.push(performance.now() - started);
        arrived++;
        break;
      }
      if (performance.now() - started > WON_TIMEOUT_MS) break;
      await sleep(5);
    }
    await sleep(WON_PAUSE_MS);
  }
  delays.sort((a, b) => a - b);
  stage.sort((a, b) => a - b);
  return {
    connector,
    won: leads.length,
    arrived,
    p50: percentile(delays, 50),
    p95: percentile(delays, 95),
    max: delays.at(-1) ?? Number.NaN,
    stageP50: percentile(stage, 50),
  };
}

export async function runErpBench(base: string, serverPid: number): Promise<ErpFigures> {
  const api = new Api(base);
  const figures: ErpFigures = { sync: [], won: [] };
  console.log(
    `erp: ${CUSTOMERS.toLocaleString('en')} customers, ${INVOICES.toLocaleString('en')} invoices, ${PAYMENTS.toLocaleString('en')} payments per fake; connectors ${CONNECTORS.join(', ')}; won leads ${WON} on ${WON_CONNECTORS.join(', ') || 'none'}`,
  );
  for (const connector of CONNECTORS) {
    const seeded = performance.now();
    const prepared = await startFake(connector);
    const crm = connector === 'zoho_crm';
    const sizes = { customers: CUSTOMERS, invoices: crm ? 0 : INVOICES, payments: crm ? 0 : PAYMENTS };
    console.log(`${connector}: fake seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    try {
      const { id, problem } = await createConnection(api, prepared);
      if (problem) {
        console.log(`${connector}: not measured: ${problem}`);
        figures.sync.push({
          connector,
          skipped: problem,
          ...sizes,
          status: 'not connected',
          error: null,
          seconds: 0,
          records: 0,
          recordsPerSecond: 0,
          counts: {},
          rssBefore: 0,
          rssMax: 0,
          peak: 0,
          peakReset: false,
          erpRequests: 0,
        });
        await api.call('DELETE', `/erp/connections/${id}`).catch(() => {});
        continue;
      }
      const before = prepared.requests();
      const sync = await fullSync(api, serverPid, connector, id);
      figures.sync.push({ ...sync, skipped: null, ...sizes, erpRequests: prepared.requests() - before });
      console.log(
        `${connector}: ${sync.status} in ${sync.seconds.toFixed(1)} s, ${Math.round(sync.recordsPerSecond)} records/s, ${prepared.requests() - before} requests to the ERP, peak RSS ${sync.peak.toFixed(0)} MiB (sampled max ${sync.rssMax.toFixed(0)}, before ${sync.rssBefore.toFixed(0)}), counts ${JSON.stringify(sync.counts)}${sync.error ? `, error: ${sync.error}` : ''}`,
      );
      if (WON_CONNECTORS.includes(connector)) {
        const won = await wonLatency(api, connector, prepared.fake);
        figures.won.push(won);
        console.log(
          `${connector}: won to customer in the ERP p50 ${won.p50.toFixed(0)} ms, p95 ${won.p95.toFixed(0)} ms, max ${won.max.toFixed(0)} ms (${won.arrived} of ${won.won} arrived; the stage request p50 ${won.stageP50.toFixed(0)} ms)`,
        );
      }
      // Paused, so that the next connector's won leads go to its ERP only.
      await api.call('PATCH', `/erp/connections/${id}`, { paused: true });
    } finally {
      await prepared.close();
    }
  }
  return figures;
}

export function erpTable(f: ErpFigures): string {
  const n = (x: number, digits = 0) => x.toLocaleString('en', { maximumFractionDigits: digits });
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ');
  const lines = [
    '| connector | records (customers + invoices + payments) | wall time | records/s | requests to the ERP | server peak RSS (before) | status | run counts |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...f.sync.map((s) =>
      s.skipped
        ? `| ${s.connector} | ${n(s.customers)} + ${n(s.invoices)} + ${n(s.payments)} | not measured: ${s.skipped} | | | | | |`
        : `| ${s.connector} | ${n(s.customers)} + ${n(s.invoices)} + ${n(s.payments)} | ${n(s.seconds, 1)} s | ${n(s.recordsPerSecond)} | ${n(s.erpRequests)} | ${n(s.peak)} MiB (${n(s.rssBefore)} MiB)${s.peakReset ? '' : ' lifetime'} | ${s.status}${s.error ? `: ${s.error}` : ''} | ${counts(s.counts)} |`,
    ),
  ];
  if (f.won.length > 0) {
    lines.push(
      '',
      '| connector | leads won one at a time | arrived | won to customer in the ERP p50 / p95 / max | stage request p50 |',
      '| --- | --- | --- | --- | --- |',
      ...f.won.map(
        (w) =>
          `| ${w.connector} | ${n(w.won)} | ${n(w.arrived)} | ${n(w.p50)} ms / ${n(w.p95)} ms / ${n(w.max)} ms | ${n(w.stageP50)} ms |`,
      ),
    );
  }
  return lines.join('\n');
}
