import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../server/test/fakes/webhook-receiver.ts';
import { chromiumPath, openSite, type Site } from './harness.ts';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

describe.skipIf(!chromiumPath)('webhooks in the browser', () => {
  let site: Site;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // The receiver listens on loopback, which only the operator's setting lets webhooks reach.
    site = await openSite({ webhooksAllowPrivate: true });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await site?.close();
  });

  it('an admin adds an endpoint, copies its secret, sends a test and sees it delivered in the log', async () => {
    const page = await site.newPage();
    await signIn(page, 'admin@demo.test');
    await page.goto('/settings/webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('form', { name: 'New webhook endpoint' });
    await form.getByLabel('URL').fill(receiver.url('/from-browser'));
    await form.getByLabel('Description').fill('Browser check');
    await form.getByLabel('lead.stage_changed').check();
    await site.shot(page, 'webhooks-new-endpoint');
    await form.getByRole('button', { name: 'Add endpoint' }).click();

    const secret = (await page.getByTestId('webhook-secret').innerText()).trim();
    expect(secret).toMatch(/^whsec_/);
    await site.shot(page, 'webhooks-secret');
    await page.getByRole('button', { name: 'I have copied it' }).click();

    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('dialog', { name: 'Delivery log' }).waitFor();
    // The worker's part: the test clock's jobs are run by the test.
    for (let i = 0; i < 10 && receiver.received.length === 0; i++) await site.t.runJobs();
    expect(receiver.received).toHaveLength(1);
    const received = receiver.received[0];
    expect(new Webhook(secret).verify(received?.body ?? '', received?.headers ?? {})).toMatchObject({
      type: 'webhook.test',
    });

    const log = page.getByRole('dialog', { name: 'Delivery log' });
    await log.getByText('succeeded').waitFor({ timeout: 15_000 });
    await log.getByRole('button', { name: /succeeded webhook\.test/ }).click();
    await log.getByRole('cell', { name: '200' }).waitFor();
    await log.getByText(`webhook-id: ${received?.headers['webhook-id']}`).waitFor();
    await site.shot(page, 'webhooks-delivery-log');
  });
});
