import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSite, type Site } from './harness.ts';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

/** "Leads matching your filters · 123 leads" -> 123 */
const countIn = (text: string) => Number((/([\d,]+)\s+leads?\b/.exec(text)?.[1] ?? 'NaN').replaceAll(',', ''));

describe.skipIf(!chromiumPath)('reports and dashboards in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('a manager opens the team dashboard, clicks the Proposal step of the funnel and gets a list of as many leads', async () => {
    const page = await site.newPage();
    await signIn(page, 'manager1@demo.test');
    const funnel = page.getByRole('region', { name: 'Funnel' });
    await funnel.waitFor();
    const step = funnel.getByRole('link', { name: /^Proposal: .*open the list$/ });
    await step.first().waitFor();
    const label = (await step.first().getAttribute('aria-label')) ?? (await step.first().innerText());
    const figure = Number((/Proposal: ([\d,]+)/.exec(label)?.[1] ?? 'NaN').replaceAll(',', ''));
    expect(figure).toBeGreaterThan(0);
    await site.shot(page, 'reports-dashboard-manager');

    await step.first().click();
    await page.waitForURL(/\/leads\?.*reached=proposal/);
    const total = page.getByTestId('leads-total');
    await expect.poll(async () => countIn(await total.innerText()), { timeout: 15_000 }).toBe(figure);
    await page.getByTestId('drill-filters').waitFor();
    await site.shot(page, 'reports-funnel-drill');

    // The same figure through the API, for the manager: the report and the list agree.
    const run = await site.t.as('manager1@demo.test', 'POST', '/api/v1/reports/run', { report: 'pipeline.funnel' });
    const row = (run.json().rows as { values: { toStage: string; leads: number } }[]).find(
      (r) => r.values.toStage === 'proposal',
    );
    expect(row?.values.leads).toBe(figure);
  });

  it('a salesperson builds a report, saves it to a dashboard of its own and sees it at 390 px', async () => {
    const page = await site.newPage(390);
    await signIn(page, 'sales1@demo.test');
    await page.goto('/reports/new');
    await page.getByLabel('Name').fill('My leads by source');
    const grouping = page.getByLabel('Grouping 1').first();
    if ((await grouping.count()) === 0) await page.getByRole('button', { name: 'Add grouping' }).click();
    await grouping.click();
    await page.getByRole('option', { name: 'Source', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/reports\/[0-9a-f-]{36}/);
    const saved = (await site.t.as('sales1@demo.test', 'GET', '/api/v1/reports/saved')).json().data as {
      id: string;
      name: string;
    }[];
    const report = saved.find((r) => r.name === 'My leads by source');
    expect(report).toBeTruthy();

    await page.getByRole('button', { name: 'Add to dashboard' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add to dashboard' });
    await dialog.getByRole('button', { name: 'Add tile' }).click();
    await page.waitForURL(/\/\?dashboard=/);
    const tile = page.getByRole('region', { name: 'My leads by source' });
    await tile.waitFor();
    await tile.getByTestId('tile-freshness').waitFor();
    await tile.scrollIntoViewIfNeeded();
    await site.shot(page, 'reports-salesperson-dashboard-390');
    // Readable at 390 px: the tile fits the screen, nothing spills sideways.
    const box = await tile.boundingBox();
    expect(box?.width ?? 0).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const dashboards = (await site.t.as('sales1@demo.test', 'GET', '/api/v1/dashboards')).json().data as {
      id: string;
      isDefault: boolean;
    }[];
    const mine = dashboards.find((d) => !d.isDefault);
    expect(mine).toBeTruthy();
    const tiles = (await site.t.as('sales1@demo.test', 'GET', `/api/v1/dashboards/${mine?.id}`)).json().tiles as {
      report: string;
    }[];
    expect(tiles.map((t) => t.report)).toContain(report?.id);
  });
});
