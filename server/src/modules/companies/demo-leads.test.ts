import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { toE164 } from '../../lib/phone.ts';
import { DEMO_LEAD_COUNT } from './demo-leads.ts';

/** The demo pipeline every test database starts with, as the people of each company see it. */
interface Lead {
  id: string;
  name: string;
  stage: string;
  phones: string[];
  emails: string[];
  source: string;
  expectedValue?: number | null;
  currency?: string | null;
  lostReason?: string | null;
  ownerId?: string | null;
  warriorIds?: string[];
  coSalesIds?: string[];
  partnerId?: string | null;
  partnerName?: string | null;
  state?: string | null;
  country?: string | null;
  createdAt: string;
  stageChangedAt: string;
  lastTouchedAt: string;
}

let t: TestApp;
const seen: Record<string, Lead[]> = {};

async function listAll(who: string): Promise<Lead[]> {
  const found: Lead[] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await t.as(who, 'GET', `/api/v1/leads?limit=200${suffix}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    found.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

const leadsOf = (who: string) => seen[who] ?? [];

beforeAll(async () => {
  t = await createTestApp();
  for (const who of ['admin@demo.test', 'partner@demo.test', 'warrior1@demo.test', 'admin@other.test']) {
    seen[who] = await listAll(who);
  }
});
afterAll(() => t.close());

describe('demo pipeline', () => {
  it("gives Demo Co's admin about 500 leads at every stage, won with a value and lost with a reason", async () => {
    const leads = leadsOf('admin@demo.test');
    expect(leads).toHaveLength(DEMO_LEAD_COUNT);
    expect(new Set(leads.map((l) => l.id)).size).toBe(leads.length);
    const stages = (await t.as('admin@demo.test', 'GET', '/api/v1/pipeline/stages')).json().data as { key: string }[];
    for (const { key } of stages) {
      expect(leads.filter((l) => l.stage === key).length, `leads in ${key}`).toBeGreaterThanOrEqual(15);
    }
    for (const lead of leads.filter((l) => l.stage === 'won')) {
      expect(lead.expectedValue, lead.name).toBeGreaterThanOrEqual(25_000);
      expect(lead.currency).toBe('INR');
    }
    for (const lead of leads.filter((l) => l.stage === 'lost')) expect(lead.lostReason, lead.name).toBeTruthy();
    expect(new Set(leads.map((l) => l.source)).size).toBe(10);
    expect(leads.filter((l) => !l.ownerId).length).toBeGreaterThan(0);
    expect(leads.every((l) => l.country === 'India')).toBe(true);
  });

  it('dates leads over the last six months, open ones touched lately', async () => {
    const leads = leadsOf('admin@demo.test');
    const now = t.clock.now().getTime();
    const day = 86_400_000;
    const created = leads.map((l) => Date.parse(l.createdAt));
    expect(Math.max(...created)).toBeLessThanOrEqual(now);
    expect(Math.min(...created)).toBeGreaterThan(now - 185 * day);
    expect(Math.min(...created)).toBeLessThan(now - 150 * day);
    for (const lead of leads) {
      expect(Date.parse(lead.stageChangedAt)).toBeGreaterThanOrEqual(Date.parse(lead.createdAt));
      expect(Date.parse(lead.lastTouchedAt)).toBeGreaterThanOrEqual(Date.parse(lead.stageChangedAt));
      expect(Date.parse(lead.lastTouchedAt)).toBeLessThanOrEqual(now);
    }
    const open = leads.filter((l) => ['new', 'demo', 'proposal', 'trial'].includes(l.stage));
    const recent = open.filter((l) => Date.parse(l.lastTouchedAt) > now - 7 * day);
    expect(recent.length / open.length).toBeGreaterThan(0.7);
  });

  it('keeps every phone a valid Indian mobile number in E.164, and every e-mail well formed', () => {
    const phones = leadsOf('admin@demo.test').flatMap((l) => l.phones);
    expect(phones.length).toBeGreaterThanOrEqual(DEMO_LEAD_COUNT);
    for (const phone of phones) {
      expect(phone).toMatch(/^\+91[6-9]\d{9}$/);
      expect(toE164(phone, 'IN'), phone).toBe(phone);
    }
    for (const email of leadsOf('admin@demo.test').flatMap((l) => l.emails)) {
      expect(email).toMatch(/^[a-z.]+@[a-z]+\.(in|co\.in|com)$/);
    }
  });

  it("records a won lead's stage history in order, each move from where the last one left it", async () => {
    const won = leadsOf('admin@demo.test').filter((l) => l.stage === 'won');
    for (const lead of won.slice(0, 12)) {
      const response = await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead.id}/stage-history`);
      expect(response.statusCode, response.body).toBe(200);
      const history = response.json().data as {
        fromStage: string | null;
        toStage: string;
        at: string;
        secondsInPrevious: number | null;
      }[];
      expect(history[0]).toMatchObject({ fromStage: null, toStage: 'new', secondsInPrevious: null });
      expect(history[0]?.at).toBe(lead.createdAt);
      for (let i = 1; i < history.length; i++) {
        const [before, move] = [history[i - 1], history[i]];
        expect(move?.fromStage).toBe(before?.toStage);
        const gap = Date.parse(move?.at ?? '') - Date.parse(before?.at ?? '');
        expect(gap).toBeGreaterThan(0);
        expect(move?.secondsInPrevious).toBe(Math.round(gap / 1000));
      }
      expect(history.at(-1)).toMatchObject({ toStage: 'won', at: lead.stageChangedAt });
    }
  });

  it('explains every assignment: rules for web, API and social leads, the creator for the rest', async () => {
    const leads = leadsOf('admin@demo.test');
    const webLead = leads.find((l) => l.source === 'web_form' && l.ownerId);
    const manualLead = leads.find((l) => l.source === 'manual' && l.ownerId);
    for (const [lead, reason] of [
      [webLead, 'rule'],
      [manualLead, 'manual'],
    ] as const) {
      const response = await t.as('admin@demo.test', 'GET', `/api/v1/leads/${lead?.id}/assignment`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().current).toMatchObject({ reason, ownerId: lead?.ownerId });
    }
    const why = (await t.as('admin@demo.test', 'GET', `/api/v1/leads/${webLead?.id}/assignment`)).json().current;
    expect(why.ruleName).toBeTruthy();
    expect(why.candidates.filter((c: { chosen: boolean }) => c.chosen)).toHaveLength(1);
  });

  it("shows the partner only its organisation's leads, in its territories", async () => {
    const leads = leadsOf('partner@demo.test');
    const partnerId = leads[0]?.partnerId;
    expect(leads.length).toBeGreaterThanOrEqual(30);
    expect(leads.every((l) => l.partnerId === partnerId && l.partnerName === 'Sunrise Channel Partners')).toBe(true);
    expect(leads.every((l) => ['Maharashtra', 'Goa'].includes(l.state ?? ''))).toBe(true);
    const all = leadsOf('admin@demo.test').filter((l) => l.partnerId === partnerId);
    expect(leads.map((l) => l.id).sort()).toEqual(all.map((l) => l.id).sort());
  });

  it('shows a warrior only the leads it works on, all owned by its salesperson', async () => {
    const warrior1 = await userId(t, 'warrior1@demo.test');
    const sales1 = await userId(t, 'sales1@demo.test');
    const leads = leadsOf('warrior1@demo.test');
    expect(leads.length).toBeGreaterThan(10);
    const ids = leadsOf('admin@demo.test')
      .filter((l) => l.warriorIds?.includes(warrior1))
      .map((l) => l.id);
    expect(leads.map((l) => l.id).sort()).toEqual(ids.sort());
    const full = leadsOf('admin@demo.test').filter((l) => ids.includes(l.id));
    expect(full.every((l) => l.ownerId === sales1)).toBe(true);
  });

  it('keeps owners, warriors and co-sales within the hierarchy', async () => {
    const [sales, warriors, cosales] = await Promise.all([
      Promise.all(['sales1', 'sales2', 'sales3', 'sales4'].map((k) => userId(t, `${k}@demo.test`))),
      Promise.all([1, 2, 3, 4, 5, 6].map(async (n) => [await userId(t, `warrior${n}@demo.test`), n] as const)),
      userId(t, 'cosales@demo.test'),
    ]);
    const warriorOwner = new Map(warriors.map(([id, n]) => [id, sales[[0, 0, 1, 2, 3, 3][n - 1] ?? 0]]));
    for (const lead of leadsOf('admin@demo.test')) {
      if (lead.ownerId) expect(sales).toContain(lead.ownerId);
      for (const w of lead.warriorIds ?? []) expect(warriorOwner.get(w), lead.name).toBe(lead.ownerId);
      for (const c of lead.coSalesIds ?? []) expect(c).toBe(cosales);
    }
  });

  it("gives Other Co only its handful of American leads, and Demo Co's never show there", () => {
    const other = leadsOf('admin@other.test');
    expect(other.length).toBeGreaterThanOrEqual(5);
    expect(other.length).toBeLessThanOrEqual(12);
    const demoIds = new Set(leadsOf('admin@demo.test').map((l) => l.id));
    for (const lead of other) {
      expect(demoIds.has(lead.id)).toBe(false);
      expect(lead.country).toBe('United States');
      expect(lead.currency).toBe('USD');
      for (const phone of lead.phones) expect(toE164(phone, 'US')).toBe(phone);
    }
  });
});

describe('demo routing set-up', () => {
  it('has assignment rules the rule engine reads, routing a Pune lead to the Maharashtra team', async () => {
    const rules = await t.as('admin@demo.test', 'GET', '/api/v1/assignment-rules');
    expect(rules.statusCode, rules.body).toBe(200);
    const names = (rules.json().data as { name: string; isDefault: boolean }[]).map((r) => r.name);
    expect(names).toEqual(['Maharashtra & Goa leads', 'High value', 'Everyone else']);
    const tested = await t.as('admin@demo.test', 'POST', '/api/v1/assignment-rules/test', {
      lead: { name: 'Test', state: 'Maharashtra', city: 'Pune', expectedValue: 50_000 },
    });
    expect(tested.statusCode, tested.body).toBe(200);
    expect(tested.json().decision).toMatchObject({ reason: 'rule', ruleName: 'Maharashtra & Goa leads' });
    expect([await userId(t, 'sales1@demo.test'), await userId(t, 'sales2@demo.test')]).toContain(
      tested.json().decision.ownerId,
    );
    const big = await t.as('admin@demo.test', 'POST', '/api/v1/assignment-rules/test', {
      lead: { name: 'Test', state: 'Karnataka', expectedValue: 1_500_000 },
    });
    expect(big.json().decision).toMatchObject({ reason: 'rule', ruleName: 'High value' });
  });

  it('has the website enquiry form and the field team’s working hours, with one leave next week', async () => {
    const forms = await t.as('admin@demo.test', 'GET', '/api/v1/forms');
    expect(forms.statusCode, forms.body).toBe(200);
    const form = (forms.json().data as { name: string; fields: { mapsTo: string }[] }[]).find(
      (f) => f.name === 'Website enquiry',
    );
    expect(form?.fields.map((f) => f.mapsTo)).toEqual(['name', 'email', 'phone', 'city', 'product']);

    const warrior6 = await userId(t, 'warrior6@demo.test');
    const hours = await t.as('admin@demo.test', 'GET', `/api/v1/users/${warrior6}/availability`);
    expect(hours.statusCode, hours.body).toBe(200);
    expect(hours.json()).toMatchObject({
      configured: true,
      workingDays: [1, 2, 3, 4, 5, 6],
      workStart: '09:30',
      workEnd: '18:30',
    });
    const leaves = await t.as('admin@demo.test', 'GET', `/api/v1/users/${warrior6}/leaves`);
    expect(leaves.statusCode, leaves.body).toBe(200);
    const [leave] = leaves.json().data as { startsOn: string; endsOn: string }[];
    const inDays = (Date.parse(leave?.startsOn ?? '') - t.clock.now().getTime()) / 86_400_000;
    expect(inDays).toBeGreaterThan(-1);
    expect(inDays).toBeLessThan(8);
  });
});
