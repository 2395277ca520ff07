import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { configureSmtp } from '../email/email.fixtures.ts';
import {
  ADMIN,
  GUEST,
  leadOf,
  listed,
  MANAGER,
  OTHER_CO,
  OTHER_SALES,
  PARTNER,
  SALES,
  SUCCESS,
  ticketOf,
} from './tickets.fixtures.ts';

/**
 * The tickets subject of the reports against the tickets module's own figures (each ticket as GET /tickets shows
 * it: its clocks, its breaches, its latest rating) and against counts taken straight from the tables, over a
 * seeded set of tickets with known reply, solve and rating times; and each role's report scope against the
 * tickets the role lists.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = new Date('2030-01-07T04:30:00Z');
const END = new Date(START.getTime() + 40 * DAY);
const ALL = { from: '2000-01-01', to: '2100-12-31' };
const BASE = 'https://help.example.test';

let t: TestApp;
let smtp: FakeSmtp;
let companyId: string;

interface Seed {
  by: string;
  lead: 'sales' | 'other' | null;
  priority: 'urgent' | 'high' | 'normal' | 'low';
  category: string | null;
  assignee: 'success' | 'sales' | null;
  replyAfter?: number;
  solveAfter?: number;
  /** Ratings given, one per solve (a second solve after a reopen). */
  ratings?: ('good' | 'bad' | null)[];
  status?: 'pending' | 'on_hold';
}

const seeds: Seed[] = [
  {
    by: SALES,
    lead: 'sales',
    priority: 'urgent',
    category: 'billing',
    assignee: 'success',
    replyAfter: 30 * MINUTE,
    solveAfter: 2 * HOUR,
    ratings: ['good'],
  },
  {
    by: ADMIN,
    lead: 'other',
    priority: 'urgent',
    category: 'billing',
    assignee: 'success',
    replyAfter: 90 * MINUTE,
    solveAfter: 5 * HOUR,
    ratings: ['bad'],
  },
  {
    by: SALES,
    lead: 'sales',
    priority: 'high',
    category: 'Billing',
    assignee: 'sales',
    replyAfter: HOUR,
    solveAfter: 10 * HOUR,
    ratings: ['good'],
  },
  { by: ADMIN, lead: 'other', priority: 'high', category: 'install', assignee: 'sales', replyAfter: 5 * HOUR },
  { by: ADMIN, lead: null, priority: 'normal', category: null, assignee: null },
  {
    by: SALES,
    lead: 'sales',
    priority: 'normal',
    category: 'install',
    assignee: 'success',
    replyAfter: 2 * HOUR,
    solveAfter: 20 * HOUR,
    ratings: ['good', 'bad'],
  },
  {
    by: ADMIN,
    lead: 'other',
    priority: 'low',
    category: 'billing',
    assignee: 'success',
    replyAfter: 3 * HOUR,
    solveAfter: 30 * HOUR,
    ratings: [null],
  },
  {
    by: SALES,
    lead: 'sales',
    priority: 'low',
    category: null,
    assignee: 'sales',
    replyAfter: HOUR,
    status: 'pending',
  },
  { by: ADMIN, lead: null, priority: 'urgent', category: 'outage', assignee: 'success', status: 'on_hold' },
  {
    by: SALES,
    lead: 'sales',
    priority: 'high',
    category: 'install',
    assignee: 'sales',
    replyAfter: 3 * HOUR,
    solveAfter: 30 * HOUR,
    ratings: ['bad'],
  },
];

async function version(id: string): Promise<number> {
  return (await t.as(ADMIN, 'GET', `/api/v1/tickets/${id}`)).json().version;
}

async function rateLastEmail(rating: 'good' | 'bad' | null) {
  await t.runJobs();
  const text = smtp.received.at(-1)?.mail.text ?? '';
  const path = text.match(/https:\/\/help\.example\.test(\/api\/v1\/public\/ticket-ratings\/[A-Za-z0-9_-]+)\?/)?.[1];
  expect(path, text).toBeTruthy();
  if (rating) expect((await t.app.inject({ method: 'GET', url: `${path}?rating=${rating}` })).statusCode).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp({ publicUrl: BASE });
  smtp = await startFakeSmtp();
  await configureSmtp(t, smtp);
  companyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
  const users = { success: await userId(t, SUCCESS), sales: await userId(t, SALES) };
  t.clock.set(START);
  const leads = { sales: await leadOf(t, SALES, 'Vikram Joshi'), other: await leadOf(t, OTHER_SALES, 'Neha Kapoor') };
  for (const [i, seed] of seeds.entries()) {
    const created = START.getTime() + i * 2 * DAY + i * 7 * MINUTE;
    t.clock.set(new Date(created));
    const ticket = await ticketOf(t, seed.by, {
      subject: `Seeded ticket ${i + 1}`,
      priority: seed.priority,
      requesterEmail: `customer${i + 1}@example.com`,
      ...(seed.lead ? { leadId: leads[seed.lead] } : {}),
      ...(seed.category ? { category: seed.category } : {}),
      ...(seed.assignee ? { assigneeId: users[seed.assignee] } : {}),
    });
    if (seed.replyAfter !== undefined) {
      t.clock.set(new Date(created + seed.replyAfter));
      const reply = await t.as(ADMIN, 'POST', `/api/v1/tickets/${ticket.id}/messages`, {
        body: 'Looking into it.',
        internal: false,
      });
      expect(reply.statusCode, reply.body).toBe(201);
    }
    if (seed.status) {
      const set = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${ticket.id}`, {
        version: await version(ticket.id),
        status: seed.status,
      });
      expect(set.statusCode, set.body).toBe(200);
    }
    for (const [n, rating] of (seed.ratings ?? [null]).entries()) {
      if (seed.solveAfter === undefined) break;
      if (n > 0) {
        t.clock.advance(HOUR);
        await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${ticket.id}`, {
          version: await version(ticket.id),
          status: 'open',
        });
        t.clock.advance(HOUR);
      } else {
        t.clock.set(new Date(created + seed.solveAfter));
      }
      const solved = await t.as(ADMIN, 'PATCH', `/api/v1/tickets/${ticket.id}`, {
        version: await version(ticket.id),
        status: 'solved',
      });
      expect(solved.statusCode, solved.body).toBe(200);
      t.clock.advance(10 * MINUTE);
      await rateLastEmail(rating);
    }
  }
  t.clock.set(END);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

type Row = { values: Record<string, string | number | null>; labels: Record<string, string> };

async function run(who: string, report: string) {
  const res = await t.as(who, 'POST', '/api/v1/reports/run', { report, ...ALL, limit: 5000 });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { rows: Row[]; totals: Record<string, number | null> };
}

interface ApiTicket {
  id: string;
  status: string;
  priority: string;
  category: string | null;
  assignee: { id: string } | null;
  createdAt: string;
  solvedAt: string | null;
  sla: {
    firstResponse: { stoppedAt: string | null; breached: boolean };
    resolution: { stoppedAt: string | null; breached: boolean };
  };
  satisfaction: { rating: 'good' | 'bad' } | null;
}

/** Every ticket the admin sees, as the tickets API shows each one (its page, with the satisfaction). */
async function apiTickets(): Promise<ApiTicket[]> {
  const ids = await listed(t, ADMIN);
  return Promise.all(ids.map(async (id) => (await t.as(ADMIN, 'GET', `/api/v1/tickets/${id}`)).json()));
}

/** The continuous percentile (linear between the closest ranks). */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (rank - low);
}

const seconds = (from: string, to: string | null) => (to === null ? null : (Date.parse(to) - Date.parse(from)) / 1000);
const groupOf = <T>(items: T[], key: (item: T) => string) => {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
};

describe('ticket reports', () => {
  it('counts tickets by status, priority and category as the tickets API lists them', async () => {
    const tickets = await apiTickets();
    expect(tickets).toHaveLength(seeds.length);
    const byStatus = await run(ADMIN, 'support.tickets-by-status');
    for (const [status, group] of groupOf(tickets, (x) => x.status)) {
      expect(byStatus.rows.find((r) => r.values.status === status)?.values.tickets, status).toBe(group.length);
    }
    expect(byStatus.totals.tickets).toBe(seeds.length);

    const byPriority = await run(ADMIN, 'support.tickets-by-priority');
    expect(byPriority.rows.map((r) => r.labels.priority)).toEqual(['Urgent', 'High', 'Normal', 'Low']);
    for (const [priority, group] of groupOf(tickets, (x) => x.priority)) {
      const row = byPriority.rows.find((r) => r.values.priority === priority);
      expect(row?.values.tickets, priority).toBe(group.length);
      expect(row?.values.open, priority).toBe(group.filter((x) => !['solved', 'closed'].includes(x.status)).length);
      expect(row?.values.solved, priority).toBe(group.filter((x) => x.solvedAt !== null).length);
    }

    // Categories group case-insensitively.
    const byCategory = await run(ADMIN, 'support.tickets-by-category');
    const billing = byCategory.rows.find((r) => r.values.category === 'billing');
    expect(billing?.values.tickets).toBe(tickets.filter((x) => x.category?.toLowerCase() === 'billing').length);
    expect(byCategory.rows.find((r) => r.values.category === null)?.values.tickets).toBe(
      tickets.filter((x) => x.category === null).length,
    );
  });

  it('gives median and p90 first-response and resolution times per priority from the tickets’ own clocks', async () => {
    const tickets = await apiTickets();
    const result = await run(ADMIN, 'support.response-times-by-priority');
    for (const [priority, group] of groupOf(tickets, (x) => x.priority)) {
      const row = result.rows.find((r) => r.values.priority === priority);
      const first = group.flatMap((x) => seconds(x.createdAt, x.sla.firstResponse.stoppedAt) ?? []);
      const solve = group.flatMap((x) => seconds(x.createdAt, x.solvedAt) ?? []);
      const near = (got: unknown, want: number | null, what: string) =>
        want === null ? expect(got, what).toBeNull() : expect(Number(got), what).toBeCloseTo(want, 3);
      near(row?.values.medianFirstResponse, percentile(first, 0.5), `${priority} median first response`);
      near(row?.values.p90FirstResponse, percentile(first, 0.9), `${priority} p90 first response`);
      near(row?.values.medianResolution, percentile(solve, 0.5), `${priority} median resolution`);
      near(row?.values.p90Resolution, percentile(solve, 0.9), `${priority} p90 resolution`);
    }
    // The urgent tickets: first replies after 30 and 90 minutes (the on-hold one has none yet).
    expect(result.rows.find((r) => r.values.priority === 'urgent')?.values.medianFirstResponse).toBe(3600);
  });

  it('counts SLA breaches as the tickets show them, and as the tables hold them', async () => {
    const tickets = await apiTickets();
    const result = await run(ADMIN, 'support.sla-breaches-by-month');
    expect(result.totals.firstResponseBreaches).toBe(tickets.filter((x) => x.sla.firstResponse.breached).length);
    expect(result.totals.resolutionBreaches).toBe(tickets.filter((x) => x.sla.resolution.breached).length);
    const counted = await withTenant(t.dbs.app, companyId, async (trx) => {
      const { rows } = await sql<{ first: number; resolution: number }>`
        SELECT
          count(*) FILTER (WHERE coalesce(first_responded_at, ${END.toISOString()}::timestamptz + interval '1 ms')
            > first_response_due_at)::int AS first,
          count(*) FILTER (WHERE coalesce(solved_at, ${END.toISOString()}::timestamptz + interval '1 ms')
            > resolution_due_at)::int AS resolution
        FROM tickets`.execute(trx);
      return rows[0];
    });
    expect(result.totals.firstResponseBreaches).toBe(counted?.first);
    expect(result.totals.resolutionBreaches).toBe(counted?.resolution);
    expect(counted?.first).toBeGreaterThan(0);
    const months = result.rows.map((r) => String(r.values['createdAt.month']));
    expect(months.length).toBeGreaterThan(0);
  });

  it('counts satisfaction from each ticket’s latest rating, per assignee and in total', async () => {
    const tickets = await apiTickets();
    const result = await run(ADMIN, 'support.satisfaction-by-assignee');
    const rated = tickets.filter((x) => x.satisfaction !== null);
    for (const [assignee, group] of groupOf(rated, (x) => x.assignee?.id ?? 'none')) {
      const row = result.rows.find((r) => (r.values.assigneeId ?? 'none') === assignee);
      const good = group.filter((x) => x.satisfaction?.rating === 'good').length;
      expect(row?.values.rated, assignee).toBe(group.length);
      expect(row?.values.good, assignee).toBe(good);
      expect(row?.values.bad, assignee).toBe(group.length - good);
      expect(Number(row?.values.satisfactionScore), assignee).toBeCloseTo(good / group.length, 9);
    }
    const counted = await withTenant(t.dbs.app, companyId, async (trx) => {
      const { rows } = await sql<{ rated: number; good: number; bad: number }>`
        SELECT count(*)::int AS rated, count(*) FILTER (WHERE rating = 'good')::int AS good,
          count(*) FILTER (WHERE rating = 'bad')::int AS bad
        FROM (SELECT DISTINCT ON (ticket_id) rating FROM ticket_ratings WHERE rating IS NOT NULL
          ORDER BY ticket_id, rated_at DESC) latest`.execute(trx);
      return rows[0];
    });
    // Seeded: good, bad, good, (good then bad), bad; one link never clicked.
    expect(counted).toEqual({ rated: 5, good: 2, bad: 3 });
    const byMonth = await run(ADMIN, 'support.satisfaction-by-month');
    expect(byMonth.totals).toMatchObject({ rated: 5, good: 2, bad: 3 });
    expect(Number(byMonth.totals.satisfactionScore)).toBeCloseTo(2 / 5, 9);
  });

  it('counts the backlog per assignee, the unassigned apart', async () => {
    const tickets = await apiTickets();
    const result = await run(ADMIN, 'support.backlog-by-assignee');
    for (const [assignee, group] of groupOf(tickets, (x) => x.assignee?.id ?? 'none')) {
      const row = result.rows.find((r) => (r.values.assigneeId ?? 'none') === assignee);
      expect(row?.values.backlog ?? 0, assignee).toBe(group.filter((x) => ['new', 'open'].includes(x.status)).length);
      expect(row?.values.open ?? 0, assignee).toBe(
        group.filter((x) => !['solved', 'closed'].includes(x.status)).length,
      );
    }
  });

  it('counts for each role only the tickets it sees; another company sees none', async () => {
    const all = (await run(ADMIN, 'support.tickets-by-status')).totals.tickets;
    const sales = await run(SALES, 'support.tickets-by-status');
    // A salesperson: the tickets of its own leads only.
    expect(sales.totals.tickets).toBe((await listed(t, SALES)).length);
    expect(sales.totals.tickets).toBe(seeds.filter((s) => s.lead === 'sales').length);
    expect((await run(OTHER_SALES, 'support.tickets-by-status')).totals.tickets).toBe(
      seeds.filter((s) => s.lead === 'other').length,
    );
    for (const who of [SUCCESS, MANAGER, PARTNER]) {
      const got = (await run(who, 'support.tickets-by-status')).totals.tickets ?? 0;
      expect(got, who).toBe((await listed(t, who)).length);
      expect(got, who).toBeLessThanOrEqual(all ?? 0);
    }
    expect((await run(SUCCESS, 'support.tickets-by-status')).totals.tickets).toBe(all);
    // A guest lists the tickets it sees but runs no reports.
    expectProblem(
      await t.as(GUEST, 'POST', '/api/v1/reports/run', { report: 'support.tickets-by-status', ...ALL }),
      403,
      'forbidden',
    );
    const other = await run(OTHER_CO, 'support.tickets-by-status');
    expect(other.rows).toEqual([]);
    expect(other.totals.tickets ?? 0).toBe(0);
    const satisfaction = await run(OTHER_CO, 'support.satisfaction-by-month');
    expect(satisfaction.totals.rated ?? 0).toBe(0);
  });
});
