/**
 * The webhook fan-out benchmark (BENCH_ONLY=webhooks): BENCH_WEBHOOK_EVENTS new leads (10,000 by default) are
 * created through POST /leads/bulk (500 a request) once with no endpoint and once with three endpoints subscribed
 * to lead.created, each a local receiver answering 200 at once; the server's own job worker fans the events out
 * and delivers them. Prints how long the writes took each time (what the capture costs the request), events and
 * deliveries per second until the last delivery, and the delay from the change (the message's `timestamp`, when
 * its transaction began) to its arrival, p50/p95/p99. Passes or fails nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const ENDPOINTS = 3;
const BATCH = 500;

export interface WebhooksFigures {
  events: number;
  endpoints: number;
  writeSecondsWithout: number;
  writeSecondsWith: number;
  seconds: number;
  eventsPerSecond: number;
  deliveriesPerSecond: number;
  delivered: number;
  duplicates: number;
  p50: number;
  p95: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Receiver {
  server: Server;
  url: string;
  ids: Set<string>;
  delays: number[];
  duplicates: number;
}

async function receiver(): Promise<Receiver> {
  const server = createServer();
  const r: Receiver = { server, url: '', ids: new Set(), delays: [], duplicates: 0 };
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now();
      const id = String(req.headers['webhook-id']);
      if (r.ids.has(id)) r.duplicates++;
      else {
        r.ids.add(id);
        const { timestamp } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
        r.delays.push(arrived - Date.parse(timestamp));
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}

async function createLeads(base: string, headers: Record<string, string>, tag: string): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < EVENTS; offset += BATCH) {
    const leads = Array.from({ length: Math.min(BATCH, EVENTS - offset) }, (_, i) => ({
      name: `Hook ${tag} ${offset + i}`,
      emails: [`hook-${tag}-${offset + i}@bench.example`],
      source: 'api',
    }));
    const res = await fetch(`${base}/api/v1/leads/bulk?onDuplicate=create`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ leads }),
    });
    if (res.status !== 200) throw new Error(`POST /leads/bulk: ${res.status} ${await res.text()}`);
  }
  return (performance.now() - started) / 1000;
}

export async function runWebhooksBench(base: string, token: string): Promise<WebhooksFigures> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // Without endpoints first: the capture triggers' one look, and nothing else.
  const writeSecondsWithout = await createLeads(base, headers, 'off');
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, receiver));
  for (const r of receivers) {
    const res = await fetch(`${base}/api/v1/webhooks/endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: r.url, eventTypes: ['lead.created'] }),
    });
    if (res.status !== 201) throw new Error(`POST /webhooks/endpoints: ${res.status} ${await res.text()}`);
  }
  const started = Date.now();
  const writeSecondsWith = await createLeads(base, headers, 'on');
  const expected = EVENTS * ENDPOINTS;
  const count = () => receivers.reduce((n, r) => n + r.ids.size, 0);
  let last = count();
  let idle = 0;
  while (count() < expected && idle < 600) {
    await new Promise((r) => setTimeout(r, 100));
    const now = count();
    idle = now === last ? idle + 1 : 0;
    last = now;
  }
  const seconds = (Date.now() - started) / 1000;
  for (const r of receivers) r.server.close();
  const delays = receivers.flatMap((r) => r.delays).sort((a, b) => a - b);
  const delivered = count();
  return {
    events: EVENTS,
    endpoints: ENDPOINTS,
    writeSecondsWithout,
    writeSecondsWith,
    seconds,
    eventsPerSecond: EVENTS / seconds,
    deliveriesPerSecond: delivered / seconds,
    delivered,
    duplicates: receivers.reduce((n, r) => n + r.duplicates, 0),
    p50: percentile(delays, 50),
    p95: percentile(delays, 95),
    p99: percentile(delays, 99),
  };
}

export function webhooksTable(f: WebhooksFigures): string {
  const n = (x: number, digits = 1) => x.toLocaleString('en', { maximumFractionDigits: digits });
  return [
    '| measure | figure |',
    '| --- | --- |',
    `| ${n(f.events, 0)} leads through POST /leads/bulk, no endpoint | ${n(f.writeSecondsWithout, 2)} s |`,
    `| the same with ${f.endpoints} endpoints subscribed | ${n(f.writeSecondsWith, 2)} s |`,
    `| delivered (of ${n(f.events * f.endpoints, 0)}), duplicates | ${n(f.delivered, 0)}, ${n(f.duplicates, 0)} |`,
    `| first write to last delivery | ${n(f.seconds, 1)} s |`,
    `| events per second (fanned out to ${f.endpoints}) | ${n(f.eventsPerSecond, 0)} |`,
    `| deliveries per second | ${n(f.deliveriesPerSecond, 0)} |`,
    `| change to delivery p50 / p95 / p99 | ${n(f.p50 / 1000, 2)} s / ${n(f.p95 / 1000, 2)} s / ${n(f.p99 / 1000, 2)} s |`,
  ].join('\n');
}
