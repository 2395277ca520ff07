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

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe.skipIf(!chromiumPath)('the integrations home in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite({ webhooksAllowPrivate: true });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('shows an admin each connection on a phone, and pauses and resumes a webhook endpoint', async () => {
    const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/webhooks/endpoints', {
      url: 'http://127.0.0.1:9/orders',
      description: 'Order system',
      eventTypes: ['lead.created'],
    });
    expect(created.statusCode, created.body).toBe(201);

    const page = await site.newPage(390);
    await signIn(page, 'admin@demo.test');
    await page.goto('/settings/integrations');
    const card = page.locator('.mantine-Card-root').filter({ hasText: 'Order system' });
    await card.getByText('Connected', { exact: true }).waitFor();
    await page.locator('.mantine-Card-root').filter({ hasText: 'Email' }).first().waitFor();
    expect(await overflows(page)).toBe(false);
    await page.screenshot({ path: 'e2e/screenshots/integrations-390.png', fullPage: true });

    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByText('Paused', { exact: true }).waitFor();
    const listed = await site.t.as('admin@demo.test', 'GET', '/api/v1/integrations');
    const endpoint = (listed.json().data as { id: string; status: string }[]).find((c) => c.id === created.json().id);
    expect(endpoint?.status).toBe('paused');
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByText('Connected', { exact: true }).waitFor();

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: 'e2e/screenshots/integrations-1280.png', fullPage: true });
  });
});
