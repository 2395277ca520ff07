import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSite, type Site } from './harness.ts';

const NEW_EMAIL = 'nisha.agarwal@demo.test';
const NEW_PASSWORD = 'monsoon-ledger-4721';

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

async function navLabels(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
  return (await nav.getByRole('link').allInnerTexts()).map((text) => text.trim()).filter(Boolean);
}

describe.skipIf(!chromiumPath)('users in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('an admin creates a salesperson under a manager, and signs out', async () => {
    const page = await site.newPage();
    await signIn(page, 'admin@demo.test', 'demo-password');
    await site.shot(page, 'admin-dashboard');
    expect(await navLabels(page)).toEqual(expect.arrayContaining(['Dashboard', 'Users', 'Audit log', 'My profile']));

    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Email').fill(NEW_EMAIL);
    await form.getByLabel('Name').fill('Nisha Agarwal');
    await form.getByLabel('Role').click();
    await page.getByRole('option', { name: 'Salesperson', exact: true }).click();
    await form.getByLabel('Manager').click();
    await page.getByRole('option', { name: 'Vikram Mehta' }).click();
    await form.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await site.shot(page, 'admin-new-user-form');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.waitFor({ state: 'detached' });

    // The API agrees with what the page showed: she exists, as a salesperson reporting to Vikram Mehta.
    const list = await site.t.as('admin@demo.test', 'GET', `/api/v1/users?q=${encodeURIComponent(NEW_EMAIL)}`);
    expect(list.json().data).toEqual([
      expect.objectContaining({ email: NEW_EMAIL, role: 'SALESPERSON', managerName: 'Vikram Mehta' }),
    ]);
    await page.getByText('Nisha Agarwal').first().waitFor();
    await site.shot(page, 'admin-users-list');

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('the new salesperson signs in and sees only what a salesperson may use', async () => {
    const page = await site.newPage();
    await signIn(page, NEW_EMAIL, NEW_PASSWORD);
    const labels = await navLabels(page);
    expect(labels).toEqual(expect.arrayContaining(['Dashboard', 'Users', 'My profile']));
    expect(labels).not.toContain('Audit log');
    expect(labels).not.toContain('API keys');
    await site.shot(page, 'salesperson-dashboard');

    // No "New user" for a salesperson, and the audit log is closed to it even by URL.
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByText(NEW_EMAIL).first().waitFor();
    expect(await page.getByRole('button', { name: 'New user' }).count()).toBe(0);
    await page.goto('/audit');
    await page
      .getByText(/access/i)
      .first()
      .waitFor();
    await site.shot(page, 'salesperson-audit-denied');
    await page.context().close();
  });

  it('works on a 390 px wide phone screen', async () => {
    const page = await site.newPage(390);
    await signIn(page, 'manager1@demo.test', 'demo-password');
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByText('Rohan Gupta').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await site.shot(page, 'manager-users-390px');
    await page.context().close();
  });
});
