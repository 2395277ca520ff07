import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSite, type Site } from './harness.ts';

const ROWS = 30;
const PREFIX = 'Quillon Vantrek';

/** A semicolon-separated export with one broken row at the end: 30 leads to create, 1 to fail. */
function sampleCsv(): string {
  const lines = ['Full Name;Company;E-mail;Mobile;Deal Value'];
  for (let i = 1; i <= ROWS; i++) {
    const n = String(i).padStart(2, '0');
    lines.push(`${PREFIX} ${n};Vantrek Works ${n};quillon.${n}@vantrek-e2e.example;+91 90000 100${n};${i * 1000}`);
  }
  lines.push(`${PREFIX} broken;Vantrek Works;not-an-email;;lots`);
  return `${lines.join('\n')}\n`;
}

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

/** Runs the background jobs (the test app has no worker) until the import has left the given status. */
async function runJobsWhile(site: Site, importId: string, busy: string[]) {
  for (let round = 0; round < 20; round++) {
    await site.t.runJobs();
    const detail = (await site.t.as('admin@demo.test', 'GET', `/api/v1/imports/${importId}`)).json();
    if (!busy.includes(detail.status)) return detail;
  }
  throw new Error('the import did not finish');
}

describe.skipIf(!chromiumPath)('data quality in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('an admin imports a CSV with the wizard, sees the progress reach the end, and undoes it', async () => {
    const page = await site.newPage();
    await signIn(page, 'admin@demo.test');
    await page.getByRole('navigation').getByRole('link', { name: 'Import', exact: true }).click();

    // Drop the file on the drop area, as a person dragging it from their desktop would.
    const csv = sampleCsv();
    const dataTransfer = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'vantrek-leads.csv', { type: 'text/csv' }));
      return transfer;
    }, csv);
    await page.getByRole('region', { name: 'Drop a file to import' }).dispatchEvent('drop', { dataTransfer });

    await page.waitForURL(/\/leads\/import\/[0-9a-f-]{36}$/);
    const importId = page.url().split('/').pop() ?? '';
    await page.getByText('semicolon separated').waitFor();
    await page.getByText(`${ROWS + 1} rows`, { exact: true }).waitFor();
    expect(await page.getByLabel('Import Full Name as').inputValue()).toBe('Name');
    expect(await page.getByLabel('Import E-mail as').inputValue()).toBe('Email');
    await site.shot(page, 'dq-import-mapping');

    await page.getByRole('button', { name: 'Check the rows' }).click();
    const check = page.getByLabel('What the import would do');
    await check.waitFor();
    expect(await check.getByText('Will create').locator('..').textContent()).toContain(String(ROWS));
    await page
      .getByRole('table', { name: 'Rows with problems, dropped values or duplicates' })
      .getByText('fails')
      .waitFor();
    await site.shot(page, 'dq-import-check');

    await page.getByRole('button', { name: `Import ${ROWS} rows` }).click();
    const progress = page.getByTestId('import-progress-text');
    await progress.filter({ hasText: `0 of ${ROWS + 1} rows` }).waitFor();
    await site.shot(page, 'dq-import-progress');

    const finished = await runJobsWhile(site, importId, ['queued', 'running']);
    expect(finished).toMatchObject({ status: 'done', counts: { created: ROWS, failed: 1 } });
    await page.getByText('Import finished').waitFor();
    await progress.filter({ hasText: `${ROWS + 1} of ${ROWS + 1} rows · 100%` }).waitFor();
    expect(await page.getByLabel('Import counts').textContent()).toContain(String(ROWS));
    await site.shot(page, 'dq-import-done');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the result (CSV)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);

    const search = `/api/v1/leads?q=${encodeURIComponent(PREFIX)}&limit=100`;
    expect((await site.t.as('admin@demo.test', 'GET', search)).json().data).toHaveLength(ROWS);

    await page.getByRole('button', { name: 'Undo the import' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Undo the import' }).click();
    const undone = await runJobsWhile(site, importId, ['undoing']);
    expect(undone.status).toBe('undone');
    await page.getByText('Import undone').waitFor();
    await site.shot(page, 'dq-import-undone');
    expect((await site.t.as('admin@demo.test', 'GET', search)).json().data).toHaveLength(0);
  });

  it('an admin merges two leads field by field, then undoes the merge', async () => {
    const create = async (body: Record<string, unknown>) => {
      const response = await site.t.as('admin@demo.test', 'POST', '/api/v1/leads?onDuplicate=create', body);
      expect(response.statusCode).toBe(201);
      return response.json() as { id: string; name: string };
    };
    const kept = await create({
      name: 'Ottilie Brannagh',
      companyName: 'Brannagh Looms',
      emails: ['ottilie@brannagh-e2e.example'],
    });
    const other = await create({
      name: 'Ottilie Brannagh',
      companyName: 'Brannagh Textiles Pvt Ltd',
      emails: ['ottilie@brannagh-e2e.example', 'accounts@brannagh-e2e.example'],
      city: 'Surat',
    });

    const page = await site.newPage();
    await signIn(page, 'admin@demo.test');
    await page.goto(`/leads/${kept.id}`);
    const panel = page.getByLabel('Possible duplicates');
    await panel.waitFor();
    await panel.getByRole('link', { name: `Merge with ${other.name}` }).click();

    await page.getByRole('heading', { name: 'Merge leads' }).waitFor();
    // Keep the first record but take the other's company name; the emails are combined on their own.
    await page.getByLabel('Company: Brannagh Textiles Pvt Ltd (record B)').click();
    const preview = page.getByLabel('Preview of the kept record');
    await preview.getByText('Brannagh Textiles Pvt Ltd').waitFor();
    await preview.getByText('accounts@brannagh-e2e.example', { exact: false }).waitFor();
    await site.shot(page, 'dq-merge-choices');
    await page.getByRole('button', { name: 'Merge 2 leads' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();

    await page.waitForURL(new RegExp(`/leads/${kept.id}$`));
    const history = page.getByLabel('Merge history');
    await history.getByText('merged into this lead').waitFor();
    const merged = (await site.t.as('admin@demo.test', 'GET', `/api/v1/leads/${kept.id}`)).json();
    expect(merged).toMatchObject({ companyName: 'Brannagh Textiles Pvt Ltd', city: 'Surat' });
    expect(merged.emails).toEqual(
      expect.arrayContaining(['ottilie@brannagh-e2e.example', 'accounts@brannagh-e2e.example']),
    );
    const gone = await site.t.as('admin@demo.test', 'GET', `/api/v1/leads/${other.id}`);
    expect(gone.statusCode).toBe(301);
    await site.shot(page, 'dq-merged-lead');

    // The merged-away address lands on the survivor, saying so.
    await page.goto(`/leads/${other.id}`);
    await page.waitForURL(new RegExp(`/leads/${kept.id}$`));
    await page.getByText('The lead you opened was merged into this one').waitFor();

    await history.getByRole('button', { name: 'Undo' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('comes back as it was before the merge').waitFor();
    await site.shot(page, 'dq-merge-undo');
    await dialog.getByRole('button', { name: 'Undo merge' }).click();
    await history.getByText('undone').waitFor();

    const back = await site.t.as('admin@demo.test', 'GET', `/api/v1/leads/${other.id}`);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ companyName: 'Brannagh Textiles Pvt Ltd', city: 'Surat' });
    const restored = (await site.t.as('admin@demo.test', 'GET', `/api/v1/leads/${kept.id}`)).json();
    expect(restored).toMatchObject({ companyName: 'Brannagh Looms', emails: ['ottilie@brannagh-e2e.example'] });
  });
});
