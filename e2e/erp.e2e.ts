import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTally, startFakeTally } from '../server/test/fakes/erp-tally.ts';
import { chromiumPath, openSite, type Site } from './harness.ts';

/**
 * An admin connects TallyPrime (the fake) from Settings › ERP, tests it, changes the mapping; a lead won through
 * the API becomes a ledger under Sundry Debtors; an invoice entered in Tally comes back to the lead's ERP card
 * after "Sync now", with what is outstanding.
 */
const ADMIN = 'admin@demo.test';
const COMPANY = 'Acme Traders';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

describe.skipIf(!chromiumPath)('ERP (TallyPrime) in the browser', () => {
  let site: Site;
  let tally: FakeTally;
  beforeAll(async () => {
    tally = await startFakeTally(COMPANY);
    site = await openSite({ erpMaxWaitSeconds: 1 });
  });
  afterAll(async () => {
    await site?.close();
    await tally?.close();
  });

  it('connects Tally, pushes a won lead as a ledger and shows its invoice and balance on the lead', async () => {
    const page = await site.newPage(1280);
    await signIn(page, ADMIN);

    // Settings › ERP › Add connection: TallyPrime with the fake's gateway and company.
    await page.goto('/settings');
    await page.getByRole('link', { name: /^ERP/ }).first().click();
    await page.getByRole('heading', { name: 'ERP' }).waitFor();
    await page.getByRole('button', { name: 'Add connection' }).click();
    const form = page.getByRole('form', { name: 'Add an ERP connection' });
    await form.getByLabel('Connector').click();
    await page.getByRole('option', { name: 'TallyPrime', exact: true }).click();
    expect(await form.getByLabel(/^Name/).inputValue()).toBe('TallyPrime');
    // Saving without the required settings names them under their inputs.
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('URL is required').waitFor();
    await site.shot(page, 'erp-add-1280');
    await form.getByLabel('URL').fill(tally.url);
    await form.getByLabel(/^Company/).fill(COMPANY);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/settings\/erp\/[0-9a-f-]{36}$/);
    const connectionId = page.url().split('/').pop() ?? '';

    // Test connection: Tally answers with its company.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByTestId('erp-check-result').getByText(`TallyPrime: ${COMPANY}`).waitFor();

    // The mapping: the first row (company name -> ledger name) becomes "latest change wins", trimmed.
    await page.getByRole('tab', { name: 'Mapping' }).click();
    const firstRow = page.getByTestId('erp-mapping-row').first();
    await firstRow.getByLabel('When both change').click();
    await page.getByRole('option', { name: 'Latest change wins', exact: true }).click();
    await firstRow.getByLabel('Transform').click();
    await page.getByRole('option', { name: 'Trim', exact: true }).click();
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('Mapping saved').waitFor();
    const saved = (await site.t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
    expect(saved.mapping[0]).toMatchObject({
      leadField: 'companyName',
      erpField: 'name',
      policy: 'latest',
      transform: 'trim',
    });

    // Edit: the connection polls Tally every hour from now on; the header says when it runs next.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit the connection' });
    expect(await edit.getByLabel(/^Name/).inputValue()).toBe('TallyPrime');
    expect(await edit.getByLabel('URL').inputValue()).toBe(tally.url);
    await edit.getByLabel('Schedule').fill('0 * * * *');
    await site.shot(page, 'erp-edit-1280');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText('TallyPrime saved').waitFor();
    await edit.waitFor({ state: 'detached' });
    await page
      .getByTestId('erp-schedule')
      .getByText(/^runs on schedule 0 \* \* \* \*, next run \d/)
      .waitFor();
    const edited = (await site.t.as(ADMIN, 'GET', `/api/v1/erp/connections/${connectionId}`)).json();
    expect(edited.schedule).toBe('0 * * * *');
    expect(edited.nextRunAt).not.toBeNull();

    // A lead won through the API becomes a ledger under Sundry Debtors once the jobs run.
    const created = await site.t.as(ADMIN, 'POST', '/api/v1/leads', {
      name: 'Kavya Menon',
      companyName: 'Menon Handlooms',
      emails: ['kavya@menonhandlooms.in'],
      expectedValue: 180000,
    });
    expect(created.statusCode, created.body).toBe(201);
    const leadId = created.json().id as string;
    const won = await site.t.as(ADMIN, 'POST', `/api/v1/leads/${leadId}/stage`, { stage: 'won' });
    expect(won.statusCode, won.body).toBe(200);
    await site.t.runJobs();
    expect(tally.ledger('Menon Handlooms')).toMatchObject({
      parent: 'Sundry Debtors',
      email: 'kavya@menonhandlooms.in',
    });
    await page.reload();
    await page.getByTestId('erp-stat-customersLinked').getByText('1', { exact: true }).waitFor();

    // The bookkeeper raises an invoice in Tally; Sync now reads it.
    tally.addSalesInvoice({
      party: 'Menon Handlooms',
      number: 'MH/2026/014',
      date: '20261201',
      lines: [
        { ledger: 'Sales', amount: 10000 },
        { ledger: 'CGST Output', amount: 900 },
        { ledger: 'SGST Output', amount: 900 },
      ],
    });
    await page.getByRole('button', { name: 'Sync now' }).click();
    const latestRun = page.getByTestId('erp-run').first();
    await latestRun.getByText('queued', { exact: true }).waitFor();
    await site.t.runJobs();
    await site.t.runJobs();
    await latestRun.getByText('succeeded', { exact: true }).waitFor();
    await page.getByTestId('erp-stat-invoices').getByText('1', { exact: true }).waitFor();
    await site.shot(page, 'erp-connection-1280');
    await page.getByRole('tab', { name: 'Mapping' }).click();
    await site.shot(page, 'erp-mapping-1280');

    // Check consistency: both sides agree on the one ledger.
    await page.getByRole('tab', { name: 'Consistency' }).click();
    await page.getByRole('button', { name: 'Check consistency' }).click();
    await page.getByText('Waiting to start…').waitFor();
    await site.t.runJobs();
    await page.getByText(/^No drift found/).waitFor();

    // The lead page: the invoice and what is outstanding.
    await page.goto(`/leads/${leadId}`);
    const card = page.getByTestId('lead-erp');
    await card.getByText('MH/2026/014').waitFor();
    expect(await card.getByTestId('erp-outstanding').textContent()).toContain('11,800');
    await card.getByRole('button', { name: 'Show the lines of MH/2026/014' }).click();
    await card.getByText(/CGST Output/).waitFor();
    // The invoice is on the lead's timeline too.
    await page.getByText(/^Invoice MH\/2026\/014 of/).waitFor();
    await card.scrollIntoViewIfNeeded();
    await site.shot(page, 'erp-lead-card-1280');

    await page.goto('/settings/erp');
    await page.getByTestId('erp-connection').getByText('TallyPrime').first().waitFor();
    await site.shot(page, 'erp-settings-1280');

    // The same pages on a phone.
    const phone = await site.newPage(390);
    await signIn(phone, ADMIN);
    await phone.goto('/settings/erp');
    await phone.getByTestId('erp-connection').waitFor();
    await site.shot(phone, 'erp-settings-390');
    await phone.goto(`/settings/erp/${connectionId}`);
    await phone.getByTestId('erp-run').first().waitFor();
    await site.shot(phone, 'erp-connection-390');
    await phone.getByRole('tab', { name: 'Mapping' }).click();
    await phone.getByTestId('erp-mapping-row').first().scrollIntoViewIfNeeded();
    await site.shot(phone, 'erp-mapping-390');
    await phone.goto(`/leads/${leadId}`);
    const phoneCard = phone.getByTestId('lead-erp');
    await phoneCard.getByText('MH/2026/014').waitFor();
    await phoneCard.scrollIntoViewIfNeeded();
    await site.shot(phone, 'erp-lead-card-390');
  });
});
