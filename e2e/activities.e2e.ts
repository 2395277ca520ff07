import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userId } from '../server/test/harness.ts';
import { chromiumPath, openSite, type Site } from './harness.ts';

const LEAD_NAME = 'Kavya Menon';
const FOLLOW_UP = 'Call Kavya about the trial';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

interface Activity {
  id: string;
  title: string;
  status: string;
  leadId: string;
  assignee: { id: string };
}

describe.skipIf(!chromiumPath)('follow-ups in the browser', () => {
  let site: Site;
  let leadId = '';
  beforeAll(async () => {
    site = await openSite();
    const created = await site.t.as('sales1@demo.test', 'POST', '/api/v1/leads', {
      name: LEAD_NAME,
      companyName: 'Menon Textiles',
    });
    expect(created.statusCode, created.body).toBe(201);
    leadId = created.json().id;
  });
  afterAll(async () => {
    await site?.close();
  });

  it('a salesperson schedules a follow-up on a lead, sees it on My day, completes it, and finds it on the timeline', async () => {
    const page = await site.newPage();
    await signIn(page, 'sales1@demo.test');

    await page.goto(`/leads/${leadId}`);
    await page.getByRole('heading', { name: LEAD_NAME }).waitFor();
    await page
      .getByRole('toolbar', { name: 'Quick actions' })
      .getByRole('button', { name: 'Schedule follow-up' })
      .click();
    const form = page.getByRole('form', { name: 'Schedule a follow-up' });
    await form.getByLabel('Title').fill(FOLLOW_UP);
    await form.getByRole('group', { name: 'Quick times' }).getByText('In 1 hour').click();
    await site.shot(page, 'activities-schedule');
    await form.getByRole('button', { name: 'Schedule' }).click();
    await form.waitFor({ state: 'detached' });

    const me = await userId(site.t, 'sales1@demo.test');
    const planned = (await site.t.as('sales1@demo.test', 'GET', `/api/v1/activities?leadId=${leadId}`)).json()
      .data as Activity[];
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ title: FOLLOW_UP, status: 'open', assignee: { id: me } });

    // The lead page lists it among the lead's follow-ups straight away.
    await page.getByRole('region', { name: 'Follow-ups' }).getByText(FOLLOW_UP).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'My day' }).click();
    await page.getByRole('heading', { name: 'My day' }).waitFor();
    await page.getByRole('main').getByText(FOLLOW_UP).waitFor();
    await site.shot(page, 'activities-my-day');

    await page.getByRole('button', { name: `Complete ${FOLLOW_UP}` }).click();
    await page.getByRole('button', { name: 'Schedule next' }).waitFor();
    await site.shot(page, 'activities-completed');
    const done = (await site.t.as('sales1@demo.test', 'GET', `/api/v1/activities/${planned[0]?.id}`)).json();
    expect(done).toMatchObject({ status: 'done', completedBy: { id: me } });
    // It leaves the open lists: no "complete" button for it any more.
    await page.getByRole('button', { name: `Complete ${FOLLOW_UP}` }).waitFor({ state: 'detached' });

    await page.goto(`/leads/${leadId}`);
    const timeline = page.locator('[aria-label="Activity"]');
    await timeline.getByText(FOLLOW_UP).waitFor();
    await timeline.getByText('Completed', { exact: false }).first().waitFor();
    await page.getByRole('region', { name: 'Follow-ups' }).getByText('Nothing planned', { exact: false }).waitFor();
    await timeline.scrollIntoViewIfNeeded();
    await site.shot(page, 'activities-timeline');

    const entries = (
      await site.t.as('sales1@demo.test', 'GET', `/api/v1/leads/${leadId}/timeline?kind=activity`)
    ).json().data as { kind: string; activity: { title: string; status: string } }[];
    expect(entries.map((e) => e.activity)).toEqual([expect.objectContaining({ title: FOLLOW_UP, status: 'done' })]);
  });

  it('My day fits a phone, and a follow-up given by a manager arrives live in the bell', async () => {
    const page = await site.newPage(390);
    await signIn(page, 'sales1@demo.test');
    await page.goto('/my-day');
    await page.getByRole('heading', { name: 'My day' }).waitFor();
    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    const before = await bell.getAttribute('aria-label');

    const given = await site.t.as('manager1@demo.test', 'POST', '/api/v1/activities', {
      leadId,
      type: 'follow_up',
      assigneeId: await userId(site.t, 'sales1@demo.test'),
      dueAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
      title: 'Send Kavya the pricing',
    });
    expect(given.statusCode, given.body).toBe(201);

    // The toast and the unread count come over the notification stream, without a reload.
    await page.getByText('gave you a follow-up', { exact: false }).first().waitFor({ timeout: 15_000 });
    expect(await bell.getAttribute('aria-label')).not.toBe(before);
    await page.getByRole('main').getByText('Send Kavya the pricing').waitFor();
    await site.shot(page, 'activities-my-day-390');

    await bell.click();
    await page
      .getByRole('list', { name: 'Notifications' })
      .getByText('gave you a follow-up', { exact: false })
      .first()
      .waitFor();
    // Let the dropdown finish fading in before the picture (not a wait for behaviour).
    await page.waitForTimeout(400);
    await site.shot(page, 'activities-bell-390');
  });
});
