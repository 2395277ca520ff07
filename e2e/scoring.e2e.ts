import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSite, type Site } from './harness.ts';

/**
 * An admin adds a scoring rule in Settings › Lead scoring (web-form leads get 25 points), rescores every lead, and
 * sees the lead's score, its tier and the rule's reason on the lead page; the list shows the score too.
 * Screenshots of both pages at 1280 and 390 px go to e2e/screenshots (and SHOTS_DIR when set).
 */
const ADMIN = 'admin@demo.test';
const extraShots = process.env.SHOTS_DIR;

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

describe.skipIf(!chromiumPath)('lead scoring in the browser', () => {
  let site: Site;
  const shot = async (page: Page, name: string) => {
    await site.shot(page, name);
    if (extraShots) {
      mkdirSync(extraShots, { recursive: true });
      await page.screenshot({ path: resolve(extraShots, `${name}.png`), fullPage: true });
    }
  };
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('adds a rule, rescores, and shows the score and its reason on the lead', async () => {
    const created = await site.t.as(ADMIN, 'POST', '/api/v1/leads?onDuplicate=create', {
      name: 'Scoring Probe',
      companyName: 'Probe Works',
      source: 'web_form',
    });
    expect(created.statusCode, created.body).toBe(201);
    const leadId = created.json().id as string;

    const page = await site.newPage(1280);
    await signIn(page, ADMIN);
    await page.goto('/settings');
    await page
      .getByRole('link', { name: /^Lead scoring/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Lead scoring' }).waitFor();

    // Add a rule: Source is Web form, +25. Saving without a field first names what is missing.
    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = page.getByRole('form', { name: 'Add a rule' });
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.getByText('Pick a field').last().waitFor();
    await form.getByRole('combobox', { name: 'Field' }).click();
    await page.getByRole('option', { name: 'Source', exact: true }).click();
    await form.getByRole('combobox', { name: 'Value' }).click();
    await page.getByRole('option', { name: 'Web form', exact: true }).click();
    await form.getByRole('textbox', { name: 'Points' }).fill('25');
    expect(await form.getByRole('textbox', { name: 'Name' }).getAttribute('placeholder')).toBe('Source is Web form');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.waitFor({ state: 'detached' });
    const rule = page.getByTestId('score-rule').filter({ hasText: 'Source is Web form' });
    await rule.getByText('+25').waitFor();
    const rules = (await site.t.as(ADMIN, 'GET', '/api/v1/scoring/rules')).json().data;
    expect(rules).toEqual([
      expect.objectContaining({ label: 'Source is Web form', field: 'source', operator: 'equals', value: 'web_form' }),
    ]);

    // Rescore now: the job runs (as the worker would) and the lead has its score.
    await page.getByRole('button', { name: 'Rescore now' }).click();
    await page.getByText(/Scoring every lead again/).waitFor();
    let score: { score: number | null; tier: string | null } = { score: null, tier: null };
    for (let i = 0; i < 10 && score.score === null; i++) {
      await site.t.runJobs();
      score = (await site.t.as(ADMIN, 'GET', `/api/v1/leads/${leadId}/score`)).json();
    }
    expect(score.score).not.toBeNull();
    await shot(page, 'scoring-settings-1280');

    // The lead page: the score, its tier and the rule's reason with its points.
    await page.goto(`/leads/${leadId}`);
    const card = page.getByTestId('lead-score');
    await card.getByTestId('score-value').getByText(String(score.score), { exact: true }).waitFor();
    await card.getByText(`${String(score.tier).charAt(0).toUpperCase()}${String(score.tier).slice(1)}`).waitFor();
    const reason = card.getByTestId('score-reasons').getByRole('listitem').filter({ hasText: 'Source is Web form' });
    await reason.getByText('+25').waitFor();
    await card.getByText(/scored .*(now|second|minute)/).waitFor();
    await shot(page, 'scoring-lead-1280');

    // The list shows the score column, and sorts by it.
    await page.goto('/leads?sort=-score');
    await page.getByRole('columnheader', { name: /Score/ }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Scoring Probe' }).getByText(String(score.score)).first().waitFor();
    await shot(page, 'scoring-list-1280');

    // Train a model on the demo's closed leads: it shows its quality on the hold-out, and can be switched on.
    await page.goto('/settings/scoring');
    await page.getByRole('button', { name: 'Train now' }).click();
    await page.getByText(/Training a model/).waitFor();
    let models: { id: string; status: string }[] = [];
    for (let i = 0; i < 10; i++) {
      await site.t.runJobs();
      models = (await site.t.as(ADMIN, 'GET', '/api/v1/scoring/models')).json().data;
      if (models.every((m) => m.status !== 'training')) break;
    }
    expect(models.map((m) => m.status)).toEqual(['candidate']);
    await page.reload();
    const model = page.getByTestId('score-model').first();
    await model.getByText('Ready to switch on').waitFor();
    await model.getByText('AUC', { exact: true }).waitFor();
    await model.getByTestId('reliability-chart').waitFor();
    await model.getByTestId('reliability-chart').scrollIntoViewIfNeeded();
    await shot(page, 'scoring-model-1280');
    await model.getByRole('button', { name: 'Switch on' }).click();
    await model.getByText('On', { exact: true }).waitFor();
    expect((await site.t.as(ADMIN, 'GET', '/api/v1/scoring/status')).json().activeModelId).toBe(models[0]?.id);

    // At phone width both pages stay readable.
    const phone = await site.newPage(390);
    await signIn(phone, ADMIN);
    await phone.goto(`/leads/${leadId}`);
    await phone.getByTestId('lead-score').getByText('Source is Web form').waitFor();
    await phone.getByTestId('lead-score').scrollIntoViewIfNeeded();
    await shot(phone, 'scoring-lead-390');
    await phone.goto('/leads?sort=-score&scoreTier=hot,warm,cold');
    await phone.getByText('Scoring Probe').first().waitFor();
    await shot(phone, 'scoring-list-390');
    await phone.goto('/settings/scoring');
    await phone.getByTestId('score-rule').first().waitFor();
    await shot(phone, 'scoring-settings-390');
  });
});
