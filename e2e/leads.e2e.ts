import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userId } from '../server/test/harness.ts';
import { chromiumPath, openSite, type Site } from './harness.ts';

const LEAD_NAME = 'Farida Sheikh';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

/**
 * Drags a card with the mouse the way a person does: press, move a little (the board lifts the card), then drop
 * it on a stage of the drop bar that appears along the bottom of the window.
 */
async function dragToStage(page: Page, card: Locator, stageName: string) {
  const from = await card.boundingBox();
  if (!from) throw new Error('the card is not on screen');
  await page.mouse.move(from.x + 40, from.y + 30);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + 50, { steps: 5 });
  const target = page.getByRole('region', { name: `Drop in ${stageName}` });
  await target.waitFor();
  const to = await target.boundingBox();
  if (!to) throw new Error('the drop bar is not on screen');
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
  await page.mouse.up();
}

describe.skipIf(!chromiumPath)('leads in the browser', () => {
  let site: Site;
  let leadId = '';
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('a salesperson creates a lead, which becomes its own', async () => {
    const page = await site.newPage();
    await signIn(page, 'sales1@demo.test');
    await page.getByRole('navigation').getByRole('link', { name: 'Leads', exact: true }).click();
    await page.getByRole('table', { name: 'Leads' }).waitFor();
    await site.shot(page, 'sales-leads-list');
    await page.getByRole('button', { name: 'New lead' }).first().click();
    const form = page.getByRole('form', { name: 'New lead' });
    await form.getByLabel('Name').fill(LEAD_NAME);
    await form.getByLabel('Company').fill('Sheikh Handlooms');
    await site.shot(page, 'sales-new-lead');
    await form.getByRole('button', { name: 'Create lead' }).click();
    await form.waitFor({ state: 'detached' });

    const found = await site.t.as('sales1@demo.test', 'GET', `/api/v1/leads?q=${encodeURIComponent(LEAD_NAME)}`);
    const leads = found.json().data as { id: string; name: string; ownerId: string; stage: string }[];
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      name: LEAD_NAME,
      stage: 'new',
      ownerId: await userId(site.t, 'sales1@demo.test'),
    });
    leadId = leads[0]?.id ?? '';
  });

  it('a manager drags it to Won on the board and is asked for the value', async () => {
    const page = await site.newPage();
    await signIn(page, 'manager1@demo.test');
    await page.goto('/leads/board');
    const newColumn = page.getByRole('region', { name: 'Stage New' });
    const card = newColumn.getByRole('article', { name: LEAD_NAME });
    await card.waitFor();
    await site.shot(page, 'manager-board');
    // Won is off screen at 1280 px; the drop bar offers it all the same.
    await dragToStage(page, card, 'Won');

    const prompt = page.getByRole('form', { name: 'Move to Won' });
    await prompt.waitFor();
    await prompt.getByLabel('Expected value').fill('250000');
    await site.shot(page, 'manager-won-prompt');
    await prompt.getByRole('button', { name: 'Move' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Stage Won' }).getByRole('article', { name: LEAD_NAME }).waitFor();
    await site.shot(page, 'manager-board-after-won');

    const lead = (await site.t.as('manager1@demo.test', 'GET', `/api/v1/leads/${leadId}`)).json();
    expect(lead).toMatchObject({ stage: 'won', expectedValue: 250000 });
    const history = (await site.t.as('manager1@demo.test', 'GET', `/api/v1/leads/${leadId}/stage-history`)).json();
    expect(history.data.map((h: { toStage: string }) => h.toStage)).toEqual(['new', 'won']);
  });

  it('a manager moves a lead with the keyboard alone', async () => {
    const page = await site.newPage();
    await signIn(page, 'manager1@demo.test');
    await page.goto('/leads/board');
    const card = page.getByRole('region', { name: 'Stage New' }).getByRole('article').first();
    await card.waitFor();
    const name = (await card.getAttribute('aria-label')) ?? '';
    const id = (await card.getAttribute('data-lead-id')) ?? '';
    await card.focus();
    await page.keyboard.press('Space');
    await page.getByRole('region', { name: 'Drop in Demo' }).waitFor();
    // The card's own stage is not a target: the first step lands on the next stage, Demo.
    await page.keyboard.press('ArrowRight');
    await site.shot(page, 'manager-board-keyboard');
    await page.keyboard.press('Space');
    await page.getByRole('region', { name: 'Stage Demo' }).locator(`[data-lead-id="${id}"]`).waitFor();
    await expect
      .poll(async () => (await site.t.as('manager1@demo.test', 'GET', `/api/v1/leads/${id}`)).json().stage)
      .toBe('demo');
    expect(name).not.toBe('');
  });

  it('a warrior sees only the leads it is assigned to', async () => {
    const page = await site.newPage(390);
    await signIn(page, 'warrior1@demo.test');
    await page.goto('/leads');
    const mine = (await site.t.as('warrior1@demo.test', 'GET', '/api/v1/leads?limit=5')).json().data as {
      name: string;
      warriorIds: string[];
    }[];
    const me = await userId(site.t, 'warrior1@demo.test');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((lead) => lead.warriorIds.includes(me))).toBe(true);
    await page
      .getByText(mine[0]?.name ?? '')
      .first()
      .waitFor();
    expect(await page.getByText(LEAD_NAME).count()).toBe(0);
    await site.shot(page, 'warrior-leads-390');

    await page.goto(`/leads/${leadId}`);
    await page.getByText('Lead not found').waitFor();
    expect(await page.getByText(LEAD_NAME).count()).toBe(0);
  });
});
