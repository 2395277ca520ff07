import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMetaGraph, signMeta } from '../server/test/fakes/meta-graph.ts';
import { chromiumPath, openSite, type Site } from './harness.ts';

const TOKEN = 'EAAJbrowserPageToken0123456789';
const SECRET = 'browser-meta-app-secret-0123456789';
const PAGE_ID = '138124712925158';
const FORM_ID = '172036835026334';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

describe.skipIf(!chromiumPath)('Facebook Lead Ads in the browser', () => {
  let site: Site;
  let fake: FakeMetaGraph;
  beforeAll(async () => {
    fake = await new FakeMetaGraph(TOKEN).start();
    site = await openSite({ facebookGraphUrl: fake.url });
  });
  afterAll(async () => {
    await site?.close();
    await fake?.stop();
  });

  it('an admin connects a Page, gets what to paste into Meta, and sees a lead arrive in the log', async () => {
    const page = await site.newPage();
    await signIn(page, 'admin@demo.test');
    await page.goto('/settings/facebook');
    const form = page.getByRole('form', { name: 'Connect a Facebook Page' });
    await form.getByLabel('Page id').fill(PAGE_ID);
    await form.getByLabel('Page name').fill('Demo Motors');
    await form.getByLabel('Page access token').fill(TOKEN);
    await form.getByLabel('App secret').fill(SECRET);
    await form.getByRole('button', { name: 'Connect' }).click();

    const callback = page.getByRole('textbox', { name: 'Callback URL' });
    await callback.waitFor();
    expect(await callback.inputValue()).toBe(`${site.base}/api/v1/webhooks/facebook`);
    const verifyToken = await page.getByRole('textbox', { name: 'Verify token' }).inputValue();
    await site.shot(page, 'facebook-connected');

    // Meta's subscription check and a signed leadgen delivery, over real HTTP.
    const challenge = await fetch(
      `${site.base}/api/v1/webhooks/facebook?hub.mode=subscribe&hub.challenge=424242&hub.verify_token=${verifyToken}`,
    );
    expect(await challenge.text()).toBe('424242');
    fake.addLead('233370042045345', {
      formId: FORM_ID,
      fieldData: [
        { name: 'full_name', values: ['Browser Lead'] },
        { name: 'email', values: ['browser.lead@example.com'] },
        { name: 'car_make', values: ['Honda'] },
      ],
    });
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: 1630087927,
          changes: [
            {
              field: 'leadgen',
              value: { form_id: FORM_ID, leadgen_id: '233370042045345', created_time: 1630087926, page_id: PAGE_ID },
            },
          ],
        },
      ],
    });
    const delivered = await fetch(`${site.base}/api/v1/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(body, SECRET) },
      body,
    });
    expect(delivered.status).toBe(200);
    await site.t.runJobs();

    const log = page.getByLabel('Event log');
    await log.getByRole('button', { name: 'Refresh' }).click();
    await log.getByText('created').waitFor();
    await log.getByRole('link', { name: 'Open lead' }).waitFor();
    await site.shot(page, 'facebook-event-log');

    await log.getByRole('button', { name: `Form ${FORM_ID}` }).click();
    await page.getByLabel('Lead field for full_name').waitFor();
    await page.getByRole('button', { name: 'Fetch earlier leads' }).scrollIntoViewIfNeeded();
    expect(await page.getByLabel('Lead field for full_name').inputValue()).toBe('Name');
    expect(await page.getByLabel('Lead field for car_make').inputValue()).toBe('Keep on the timeline only');
    await site.shot(page, 'facebook-form-mapping');

    // On the lead, the answer no field took is kept on the timeline with the ad it came from.
    await log.getByRole('link', { name: 'Open lead' }).click();
    await page.getByText('Came in from a Facebook lead ad').waitFor();
    await page.getByText('car_make:').scrollIntoViewIfNeeded();
    await site.shot(page, 'facebook-lead-timeline');
  });
});
