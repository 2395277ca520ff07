import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';

/**
 * The WhatsApp figures count the messages the product stores: outbound (sent, delivered, read, failed) and inbound
 * (received, leads who replied), and a WhatsApp reply is the lead's first response when it comes first.
 */
let t: TestApp;
let salesId: string;
let companyId: string;
let leadId: string;
beforeAll(async () => {
  t = await createTestApp();
  salesId = await userId(t, 'sales1@demo.test');
  const me = await t.as('sales1@demo.test', 'GET', '/api/v1/auth/me');
  companyId = me.json().company.id;
  const created = await t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
    name: 'Meera WhatsApp',
    phones: ['+919800000111'],
  });
  expect(created.statusCode, created.body).toBe(201);
  leadId = created.json().id;
  const now = t.clock.now();
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const outbound = (status: string, extra: Record<string, Date>) => ({
    company_id: companyId,
    id: newId(),
    lead_id: leadId,
    direction: 'outbound',
    phone: '+919800000111',
    type: 'text',
    body: 'Hello',
    status,
    sent_by: salesId,
    at: at(1),
    sent_at: at(1),
    ...extra,
  });
  await withTenant(t.dbs.app, companyId, (trx) =>
    trx
      .insertInto('whatsapp_messages')
      .values([
        outbound('read', { delivered_at: at(2), read_at: at(3) }),
        outbound('delivered', { delivered_at: at(2) }),
        outbound('failed', { failed_at: at(2) }),
        ...[4, 5].map((m) => ({
          company_id: companyId,
          id: newId(),
          lead_id: leadId,
          direction: 'inbound',
          phone: '+919800000111',
          type: 'text',
          body: 'Yes please',
          status: 'received',
          at: at(m),
        })),
      ])
      .execute(),
  );
});
afterAll(() => t.close());

type Row = { values: Record<string, string | number | null>; labels: Record<string, string> };

async function run(report: string) {
  const res = await t.as('admin@demo.test', 'POST', '/api/v1/reports/run', {
    report,
    from: '2000-01-01',
    to: '2100-12-31',
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().rows as Row[];
}

/** The same figures counted straight from the table, independently of the semantic layer. */
async function counted() {
  return withTenant(t.dbs.app, companyId, (trx) =>
    trx
      .selectFrom('whatsapp_messages')
      .select((eb) => [
        'sent_by',
        eb.fn.count<string>('id').filterWhere('direction', '=', 'outbound').as('sent'),
        eb.fn.count<string>('id').filterWhere('delivered_at', 'is not', null).as('delivered'),
        eb.fn.count<string>('id').filterWhere('read_at', 'is not', null).as('read'),
        eb.fn.count<string>('id').filterWhere('failed_at', 'is not', null).as('failed'),
        eb.fn.count<string>('id').filterWhere('direction', '=', 'inbound').as('received'),
      ])
      .groupBy('sent_by')
      .execute(),
  );
}

describe('WhatsApp figures', () => {
  it('counts each sender’s outbound messages by what became of them', async () => {
    const rows = await run('activities.whatsapp-by-user');
    const expected = (await counted()).filter((c) => c.sent_by !== null);
    for (const c of expected) {
      const row = rows.find((r) => r.values.sentBy === c.sent_by);
      expect(row, c.sent_by ?? '').toBeDefined();
      for (const key of ['sent', 'delivered', 'read', 'failed'] as const) {
        expect(Number(row?.values[key]), `${key} of ${c.sent_by}`).toBe(Number(c[key]));
      }
    }
    const mine = rows.find((r) => r.values.sentBy === salesId);
    expect(Number(mine?.values.sent)).toBeGreaterThanOrEqual(3);
  });

  it('counts inbound messages and the leads who replied', async () => {
    const rows = await run('activities.whatsapp-daily');
    const total = (key: string) => rows.reduce((n, r) => n + Number(r.values[key] ?? 0), 0);
    const all = await counted();
    expect(total('sent')).toBe(all.reduce((n, c) => n + Number(c.sent), 0));
    expect(total('received')).toBe(all.reduce((n, c) => n + Number(c.received), 0));
    expect(total('received')).toBeGreaterThanOrEqual(2);
    expect(total('repliedLeads')).toBeGreaterThanOrEqual(1);
  });
});
