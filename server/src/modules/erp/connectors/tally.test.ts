import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConnectorContext } from '../../../../test/erp-context.ts';
import { type FakeTally, startFakeTally, tallyFixture } from '../../../../test/fakes/erp-tally.ts';
import { ErpError, type ExternalCustomer, type Page } from '../connector.ts';
import { decodeReply, importResultOf, parseXml, tallyConnector } from './tally.ts';

let tally: FakeTally;

beforeEach(async () => {
  tally = await startFakeTally('Acme Traders');
});
afterEach(async () => {
  await tally.close();
});

function ctxFor(settings: Record<string, unknown> = {}, options: { timeoutMs?: number } = {}) {
  return testConnectorContext(tallyConnector, { url: tally.url, company: 'Acme Traders', ...settings }, {}, options);
}

async function failure(promise: Promise<unknown>): Promise<ErpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErpError) return error;
    throw error;
  }
  throw new Error('expected an ErpError');
}

async function readAll<T>(read: (cp: string | null) => Promise<Page<T>>, from: string | null) {
  const pages: Page<T>[] = [];
  let checkpoint = from;
  for (;;) {
    const page = await read(checkpoint);
    pages.push(page);
    checkpoint = page.checkpoint;
    if (!page.more) break;
  }
  return { pages, records: pages.flatMap((p) => p.records), checkpoint };
}

const KEY = '0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b';

describe('tally connector', () => {
  it('checks the company, and reports a closed company in Tally words', async () => {
    const ctx = ctxFor();
    expect(await tallyConnector.check(ctx)).toBe('TallyPrime: Acme Traders');
    expect(tally.requests[0]).toMatchObject({ dialect: 'A', kind: 'export', company: 'Acme Traders' });
    tally.closeCompany();
    const error = await failure(tallyConnector.check(ctx));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe("Could not set 'SVCurrentCompany' to 'Acme Traders'");
  });

  it("creates a ledger under the group, escaping '&' both ways, with the key as alias", async () => {
    const ctx = ctxFor();
    const created = await tallyConnector.createCustomer(
      ctx,
      {
        name: 'Shah & Sons <Pune>',
        email: 'accounts@shah.example',
        mobile: '+919812345678',
        gstin: '27AAPFU0939F1ZV',
        address: 'Plot 4, MIDC\nBhosari',
        state: 'Maharashtra',
        contactPerson: 'Rupa "RS" Shah',
      },
      KEY,
    );
    const ledger = tally.ledger('Shah & Sons <Pune>');
    expect(ledger).toMatchObject({
      parent: 'Sundry Debtors',
      email: 'accounts@shah.example',
      gstin: '27AAPFU0939F1ZV',
      address: ['Plot 4, MIDC', 'Bhosari'],
      contact: 'Rupa "RS" Shah',
      aliases: [`iPerform:${KEY}`],
    });
    const importBody = tally.requests.find((r) => r.kind === 'import')?.body ?? '';
    expect(importBody).toContain('<LEDGER NAME="Shah &amp; Sons &lt;Pune&gt;" ACTION="Create">');
    expect(importBody).toContain('Rupa &quot;RS&quot; Shah');
    expect(created).toMatchObject({
      externalId: ledger?.guid,
      version: String(ledger?.alterId),
      fields: { name: 'Shah & Sons <Pune>', address: 'Plot 4, MIDC\nBhosari', contactPerson: 'Rupa "RS" Shah' },
    });
    expect(await tallyConnector.getCustomer(ctx, created.externalId)).toEqual(created);
  });

  it('creates one ledger when the same key comes twice, and refuses a taken name for another key', async () => {
    const ctx = ctxFor();
    const first = await tallyConnector.createCustomer(ctx, { name: 'Mehta Traders', email: 'm@x.in' }, KEY);
    const second = await tallyConnector.createCustomer(ctx, { name: 'Mehta Traders', email: 'm@x.in' }, KEY);
    expect(second.externalId).toBe(first.externalId);
    expect(tally.requests.filter((r) => r.kind === 'import')).toHaveLength(1);
    expect([...tally.ledgers.values()].filter((l) => l.name === 'Mehta Traders')).toHaveLength(1);

    const error = await failure(tallyConnector.createCustomer(ctx, { name: 'Mehta Traders' }, 'another-key'));
    expect(error.kind).toBe('duplicate');
    expect(error.message).toBe("Ledger 'Mehta Traders' already exists");
  });

  it('updates with the current ALTERID, and refuses a stale one without writing', async () => {
    const ctx = ctxFor();
    const created = await tallyConnector.createCustomer(ctx, { name: 'Kumar Agencies', email: 'k@x.in' }, KEY);
    const updated = await tallyConnector.updateCustomer(ctx, created.externalId, created.version, {
      name: 'Kumar Agencies Pvt Ltd',
      phone: '020-2567 1234',
    });
    expect(updated.externalId).toBe(created.externalId);
    expect(Number(updated.version)).toBeGreaterThan(Number(created.version));
    expect(updated.fields).toMatchObject({ name: 'Kumar Agencies Pvt Ltd', phone: '020-2567 1234', email: 'k@x.in' });
    // The rename kept the key alias: a retried create of the renamed lead still finds its ledger.
    expect(tally.ledger(created.externalId)?.aliases).toEqual([`iPerform:${KEY}`]);

    tally.alterLedger(created.externalId, { email: 'new@x.in' });
    const imports = tally.requests.filter((r) => r.kind === 'import').length;
    const error = await failure(
      tallyConnector.updateCustomer(ctx, created.externalId, updated.version, { phone: '1' }),
    );
    expect(error.kind).toBe('stale');
    expect(error.message).toContain("Ledger 'Kumar Agencies Pvt Ltd' was changed in Tally");
    expect(tally.requests.filter((r) => r.kind === 'import')).toHaveLength(imports);
    expect(tally.ledger(created.externalId)?.phone).toBe('020-2567 1234');

    const missing = await failure(tallyConnector.updateCustomer(ctx, 'no-such-guid', '1', { phone: '1' }));
    expect(missing.kind).toBe('not_found');
  });

  it('reads customers incrementally in ALTERID windows, only the debtors, only changes after the checkpoint', async () => {
    tally.seedBulk({ customers: 1200 });
    tally.addLedger({ name: 'Stationery Supplier', parent: 'Sundry Creditors' });
    const ctx = ctxFor();
    const read = (cp: string | null) => tallyConnector.readCustomers(ctx, cp);
    const first = await readAll(read, null);
    expect(first.records).toHaveLength(1200);
    expect(first.pages.map((p) => p.records.length)).toEqual([495, 500, 205]);
    expect(first.pages.map((p) => p.more)).toEqual([true, true, false]);
    expect(new Set(first.records.map((r) => r.externalId)).size).toBe(1200);
    expect(first.records.every((r) => r.fields.name?.toString().startsWith('Customer '))).toBe(true);
    const versions = first.records.map((r) => Number(r.version));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // One company read, then one request per window.
    expect(tally.requests).toHaveLength(4);

    const caughtUp = await read(first.checkpoint);
    expect(caughtUp).toEqual({ records: [], checkpoint: first.checkpoint, more: false });

    tally.alterLedger('Customer 000007', { email: 'changed@example.in' });
    const added = tally.addLedger({ name: 'Nair & Co', email: 'nair@example.in' });
    const next = await readAll(read, first.checkpoint);
    expect(next.records.map((r) => r.fields.name)).toEqual(['Customer 000007', 'Nair & Co']);
    expect(next.records[0]?.fields.email).toBe('changed@example.in');
    expect(next.records[1]).toMatchObject({ externalId: added.guid, version: String(added.alterId) });
  });

  it('reads sales invoices with lines and balances, and re-reads an invoice a later receipt settles', async () => {
    const party = tally.addLedger({ name: 'Shah & Sons', email: 's@x.in' });
    const plain = tally.addSalesInvoice({
      party: 'Shah & Sons',
      number: 'ISPL/2024/002',
      date: '20240815',
      lines: [
        { ledger: 'Electrical Projects Income', amount: 1000 },
        { ledger: 'CGST Output', amount: 90 },
        { ledger: 'SGST Output', amount: 90 },
      ],
    });
    const itemised = tally.addSalesInvoice({
      party: 'Shah & Sons',
      number: 'ISPL/2024/003',
      date: '20240816',
      items: [{ stockItem: 'Cable 4mm', quantity: 3, unit: 'Mtr', rate: 120.5 }],
      lines: [{ ledger: 'CGST Output', amount: 32.54 }],
    });
    tally.addReceipt({
      party: 'Shah & Sons',
      number: 'RCT/1',
      date: '20240901',
      amount: 500,
      bills: [{ name: 'ISPL/2024/002', amount: 500 }],
    });
    const ctx = ctxFor();
    const page = await tallyConnector.readInvoices?.(ctx, null);
    expect(page?.more).toBe(false);
    expect(page?.records).toEqual([
      {
        externalId: plain.guid,
        customerExternalId: party.guid,
        number: 'ISPL/2024/002',
        date: '2024-08-15',
        dueDate: null,
        currency: null,
        total: 1180,
        balance: 680,
        status: null,
        lines: [
          { description: 'Electrical Projects Income', quantity: null, rate: null, amount: 1000 },
          { description: 'CGST Output', quantity: null, rate: null, amount: 90 },
          { description: 'SGST Output', quantity: null, rate: null, amount: 90 },
        ],
        updatedAt: null,
        deleted: undefined,
      },
      expect.objectContaining({
        externalId: itemised.guid,
        total: 394.04,
        balance: 394.04,
        lines: [
          { description: 'Cable 4mm', quantity: 3, rate: 120.5, amount: 361.5 },
          { description: 'CGST Output', quantity: null, rate: null, amount: 32.54 },
        ],
      }),
    ]);

    // A receipt does not touch the invoice's ALTERID; the next read still brings the invoice with its new balance.
    tally.addReceipt({
      party: 'Shah & Sons',
      number: 'RCT/2',
      date: '20240910',
      amount: 680,
      bills: [{ name: 'ISPL/2024/002', amount: 680 }],
    });
    const next = await tallyConnector.readInvoices?.(ctx, page?.checkpoint ?? null);
    expect(next?.records.map((r) => [r.externalId, r.balance])).toEqual([[plain.guid, 0]]);
  });

  it('reads receipts as payments with the invoices they settle', async () => {
    const party = tally.addLedger({ name: 'Iyer Textiles' });
    const a = tally.addSalesInvoice({
      party: 'Iyer Textiles',
      number: 'S/1',
      date: '20240401',
      lines: [{ ledger: 'Sales', amount: 100 }],
    });
    const b = tally.addSalesInvoice({
      party: 'Iyer Textiles',
      number: 'S/2',
      date: '20240402',
      lines: [{ ledger: 'Sales', amount: 200 }],
    });
    const r = tally.addReceipt({
      party: 'Iyer Textiles',
      number: 'R/1',
      date: '20240501',
      amount: 250,
      bills: [
        { name: 'S/1', amount: 100 },
        { name: 'S/2', amount: 150 },
      ],
    });
    const ctx = ctxFor();
    const page = await tallyConnector.readPayments?.(ctx, null);
    expect(page?.records).toEqual([
      {
        externalId: r.guid,
        customerExternalId: party.guid,
        date: '2024-05-01',
        amount: 250,
        currency: null,
        reference: 'R/1',
        invoiceExternalIds: [a.guid, b.guid],
        updatedAt: null,
        deleted: undefined,
      },
    ]);
    const again = await tallyConnector.readPayments?.(ctx, page?.checkpoint ?? null);
    expect(again?.records).toEqual([]);
  });

  it("maps Tally's rejection without a reason, and a LINEERROR, keeping Tally's words", async () => {
    const ctx = ctxFor({ dialect: 'B' });
    tally.rejectNextImport(17);
    const rejected = await failure(tallyConnector.createCustomer(ctx, { name: 'Rao Brothers' }, KEY));
    expect(rejected.kind).toBe('rejected');
    expect(rejected.message).toContain('Tally rejected 17 record(s) without a reason');
    expect(tally.ledger('Rao Brothers')).toBeUndefined();

    tally.lineErrorNextImport('GSTIN/UIN is invalid for Ledger: Rao Brothers');
    const invalid = await failure(tallyConnector.createCustomer(ctx, { name: 'Rao Brothers', gstin: '27X' }, KEY));
    expect(invalid.kind).toBe('validation');
    expect(invalid.message).toBe('GSTIN/UIN is invalid for Ledger: Rao Brothers');

    // Dialect A carries the same counts in <IMPORTRESULT>.
    tally.rejectNextImport(3);
    const inA = await failure(tallyConnector.createCustomer(ctxFor(), { name: 'Rao Brothers' }, KEY));
    expect(inA.kind).toBe('rejected');
    expect(inA.message).toContain('Tally rejected 3 record(s) without a reason');
    expect(tally.requests.at(-1)?.dialect).toBe('A');
  });

  it('reads both import reply shapes from the samples', () => {
    const read = (name: string) => importResultOf(parseXml(tallyFixture(name)));
    expect(read('import_response__srinidhi-bs_TallyPrime6.1_real.xml')).toEqual({
      created: 1,
      altered: 0,
      errors: 0,
      exceptions: 0,
      lineError: null,
    });
    expect(read('import_response_envelope_variant__demo-samples.xml')).toMatchObject({ created: 2, altered: 0 });
    expect(read('rejection_response__captured_rehearsal.xml')).toEqual({
      created: 0,
      altered: 0,
      errors: 0,
      exceptions: 17,
      lineError: null,
    });
  });

  it('turns a 5xx, a hang and a refused connection into unavailable', async () => {
    const ctx = ctxFor({}, { timeoutMs: 300 });
    tally.failNext(500, 'Internal Server Error');
    const failed = await failure(tallyConnector.check(ctx));
    expect(failed).toMatchObject({ kind: 'unavailable', status: 500 });
    expect(failed.message).toContain('Internal Server Error');

    tally.hangNext();
    const hung = await failure(tallyConnector.check(ctx));
    expect(hung.kind).toBe('unavailable');
    expect(hung.message).toContain('no answer within 0.3 s');

    await tally.close();
    const refused = await failure(tallyConnector.check(ctx));
    expect(refused.kind).toBe('unavailable');
    expect(refused.message).toMatch(/Could not reach 127\.0\.0\.1/);
    tally = await startFakeTally();
  });

  it('speaks dialect B: Export Data and Import Data, read back from TALLYMESSAGE and a bare RESPONSE', async () => {
    const ctx = ctxFor({ dialect: 'B' });
    expect(await tallyConnector.check(ctx)).toBe('TallyPrime: Acme Traders');
    const created = await tallyConnector.createCustomer(ctx, { name: 'Desai & Desai', email: 'd@x.in' }, KEY);
    expect(created.fields.name).toBe('Desai & Desai');
    expect(tally.requests.every((r) => r.dialect === 'B')).toBe(true);
    const bodies = tally.requests.map((r) => r.body);
    expect(bodies.some((b) => b.includes('<TALLYREQUEST>Import Data</TALLYREQUEST>'))).toBe(true);
    expect(bodies.some((b) => b.includes('<TALLYREQUEST>Export Data</TALLYREQUEST>'))).toBe(true);
    const page = await tallyConnector.readCustomers(ctx, null);
    expect(page.records.map((r) => r.fields.name)).toEqual(['Desai & Desai']);
    // Import Data is answered with the bare <RESPONSE> of the TallyPrime 6.1 capture.
    const replay = await fetch(tally.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml;charset=utf-8' },
      body: tally.requests.find((r) => r.kind === 'import')?.body,
    });
    const reply = (await replay.text()).trim();
    expect(
      reply.startsWith('<RESPONSE><LINEERROR>Ledger &apos;Desai &amp; Desai&apos; already exists</LINEERROR>'),
    ).toBe(true);
    expect(importResultOf(parseXml(reply))).toMatchObject({ created: 0, errors: 1 });
  });

  it('round-trips UTF-16LE requests and replies', async () => {
    const ctx = ctxFor({ encoding: 'utf-16' });
    const created = await tallyConnector.createCustomer(ctx, { name: 'Café Śrī — Pune', email: 'c@x.in' }, KEY);
    expect(tally.ledger('Café Śrī — Pune')?.guid).toBe(created.externalId);
    expect(created.fields.name).toBe('Café Śrī — Pune');
    expect(tally.requests.every((r) => r.encoding === 'utf-16' && r.contentType === 'text/xml;charset=utf-16')).toBe(
      true,
    );
    // The reply came back in UTF-16LE too (with its BOM), and decodes by it.
    const res = await fetch(tally.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml;charset=utf-16' },
      body: new Uint8Array(iconv.encode(tally.requests[0]?.body ?? '', 'utf16le')),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-16');
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(decodeReply(bytes, res.headers.get('content-type'))).toContain('<LEDGER NAME="Café Śrī — Pune"');
    expect(decodeReply(iconv.encode('<A>é</A>', 'utf16le'), 'text/xml;charset=utf-16')).toBe('<A>é</A>');
  });

  it('reads a windows-1252 reply with an em dash (0x97)', async () => {
    tally.addLedger({ name: 'Mehta — Traders', address: ['Naupada — Thane'] });
    tally.replyEncoding = 'windows-1252';
    const page = await tallyConnector.readCustomers(ctxFor(), null);
    expect(page.records.map((r) => [r.fields.name, r.fields.address])).toEqual([
      ['Mehta — Traders', 'Naupada — Thane'],
    ]);
    const raw = iconv.encode('<A>Mehta — Traders</A>', 'windows-1252');
    expect(raw.includes(0x97)).toBe(true);
    expect(decodeReply(raw, 'text/xml')).toBe('<A>Mehta — Traders</A>');
    expect(decodeReply(raw, 'text/xml; charset=utf-8')).toBe('<A>Mehta — Traders</A>');
  });

  it('seeds bulk data (the benchmark’s) and pages it from a checkpoint', async () => {
    tally.seedBulk({ customers: 50_000, invoices: 200_000, payments: 1_000 });
    expect(tally.ledgers.size).toBe(50_005);
    const ctx = ctxFor();
    const page: Page<ExternalCustomer> = await tallyConnector.readCustomers(ctx, '40000');
    expect(page.records).toHaveLength(500);
    expect(page.checkpoint).toBe(`40500:${tally.altMstId}`);
    // Window (199800, 200300]: the last 200 invoices, and 300 receipts that settle invoices 1..300.
    const invoices = await tallyConnector.readInvoices?.(ctx, '199800');
    expect(invoices?.records.length).toBe(500);
    expect(invoices?.records.find((r) => r.number === 'INV/0000001')?.balance).toBeCloseTo(
      (invoices?.records.find((r) => r.number === 'INV/0000001')?.total ?? 0) / 2,
      1,
    );
  }, 60_000);
});
