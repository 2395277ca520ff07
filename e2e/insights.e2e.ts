import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSite, type Site } from './harness.ts';

/**
 * The insight pages as their readers use them: a manager sees the at-risk and forecast cards on the dashboard, finds a team lead at risk (an overdue follow-up) on the
 * At-risk leads page and opens it, the lead page saying why; the forecast, the customer value and the assignment
 * recommendations pages load with their figures. Screenshots at 1280 and 390 px go to e2e/screenshots.
 */
const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const SALES = 'sales1@demo.test';
const HOUR = 3_600_000;

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

describe.skipIf(!chromiumPath)('insights in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite({ rateLimitPerMinute: 100_000 });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('a manager finds a team lead at risk and sees why on the lead', async () => {
    const { t } = site;
    const created = await t.as(SALES, 'POST', '/api/v1/leads?onDuplicate=create', {
      name: 'Overdue Probe',
      companyName: 'Probe Works',
      source: 'web_form',
    });
    expect(created.statusCode, created.body).toBe(201);
    const leadId = created.json().id as string;
    const followUp = await t.as(SALES, 'POST', '/api/v1/activities', {
      leadId,
      type: 'follow_up',
      title: 'Send the quote',
      dueAt: new Date(t.clock.now().getTime() + HOUR).toISOString(),
    });
    expect(followUp.statusCode, followUp.body).toBe(201);
    t.clock.advance(2 * 24 * HOUR);
    const scan = await t.as(ADMIN, 'POST', '/api/v1/insights/at-risk/scan');
    expect(scan.statusCode, scan.body).toBe(202);
    await t.runJobs();

    for (const width of [1280, 390]) {
      const page = await site.newPage(width);
      await signIn(page, MANAGER);
      // The dashboard says how many of the team's leads are at risk, and what the forecast expects.
      await page.getByTestId('at-risk-card').waitFor();
      expect(await page.getByTestId('at-risk-card').innerText()).toMatch(/at risk/);
      await page.getByTestId('forecast-card').waitFor();
      await site.shot(page, `insights-dashboard-${width}`);
      await page.goto('/insights/at-risk');
      await page.getByRole('heading', { name: 'At-risk leads' }).waitFor();
      const row = page.getByRole('link', { name: 'Overdue Probe' }).first();
      await row.waitFor();
      await site.shot(page, `insights-at-risk-${width}`);
      if (width === 1280) {
        await row.click();
        await page.getByTestId('lead-risk').waitFor();
        expect(await page.getByTestId('lead-risk').innerText()).toMatch(/overdue/i);
        await site.shot(page, 'insights-lead-risk-1280');
      }
      await page.context().close();
    }
  });

  it('the forecast, customer value and recommendations pages show their figures', async () => {
    for (const width of [1280, 390]) {
      const page = await site.newPage(width);
      await signIn(page, ADMIN);

      await page.goto('/forecast');
      await page.getByRole('heading', { name: 'Forecast' }).first().waitFor();
      await page.getByTestId('forecast-month').first().waitFor();
      expect(await page.getByTestId('forecast-month').count()).toBeGreaterThanOrEqual(3);
      await page.getByTestId('backtest-table').waitFor();
      await site.shot(page, `insights-forecast-${width}`);

      await page.goto('/insights/customers');
      await page.getByRole('heading', { name: 'Customer value' }).waitFor();
      await page.getByTestId('clv-kpi').first().waitFor();
      await site.shot(page, `insights-customer-value-${width}`);

      await page.goto('/settings/recommendations');
      await page.getByRole('heading', { name: 'Assignment recommendations' }).first().waitFor();
      await site.shot(page, `insights-recommendations-${width}`);
      await page.context().close();
    }
  });
});
