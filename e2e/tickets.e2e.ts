import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userId } from '../server/test/harness.ts';
import { chromiumPath, openSite, type Site, screenshotDir } from './harness.ts';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe.skipIf(!chromiumPath)('tickets in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('customer success answers a ticket from its queue on a phone, adds a note and solves it', async () => {
    const success = await userId(site.t, 'success@demo.test');
    const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/tickets', {
      subject: 'Invoices stopped printing',
      description: 'Since the update, nothing prints.',
      priority: 'high',
      requesterName: 'Anita Sharma',
      assigneeId: success,
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json() as { id: string; reference: string };

    const page = await site.newPage(390);
    await signIn(page, 'success@demo.test');
    await page.goto('/tickets');
    const row = page.getByTestId('ticket-row').filter({ hasText: 'Invoices stopped printing' });
    await row.waitFor();
    expect(await overflows(page)).toBe(false);
    await site.shot(page, 'tickets-queue-390');

    // Unassigned holds nothing of hers.
    await page.getByText('Unassigned', { exact: true }).click();
    await page.getByText('No tickets here.').waitFor();
    await page.getByText('Mine', { exact: true }).click();
    await row.click();
    await page.getByRole('heading', { name: /Invoices stopped printing/ }).waitFor();

    await page.getByLabel('Reply', { exact: true }).fill('Please restart the print service.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByTestId('ticket-message').filter({ hasText: 'restart the print service' }).waitFor();

    await page.getByText('Internal note', { exact: true }).click();
    await page.getByLabel('Note', { exact: true }).fill('Old firmware on their side.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('ticket-message').filter({ hasText: 'Old firmware' }).waitFor();

    await page.getByLabel('Status', { exact: true }).click();
    await page.getByRole('option', { name: 'Solved', exact: true }).click();
    await expect
      .poll(async () => (await site.t.as('success@demo.test', 'GET', `/api/v1/tickets/${ticket.id}`)).json().status)
      .toBe('solved');
    expect(await overflows(page)).toBe(false);
    await site.shot(page, 'tickets-ticket-390');

    const thread = (await site.t.as('success@demo.test', 'GET', `/api/v1/tickets/${ticket.id}/messages`)).json().data;
    expect(thread.map((m: { internal: boolean }) => m.internal)).toEqual([false, true]);
  });

  it('a manager takes an unassigned ticket from the queue', async () => {
    const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/tickets', {
      subject: 'Training for new staff',
      description: 'Two new cashiers start Monday.',
    });
    const ticket = created.json() as { id: string };
    const page = await site.newPage();
    await signIn(page, 'manager1@demo.test');
    await page.goto('/tickets?queue=unassigned');
    await page.getByTestId('ticket-row').filter({ hasText: 'Training for new staff' }).click();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    // The assignee select shows the new assignee.
    await page.locator('input[value="Vikram Mehta"]').waitFor();
    const manager = await userId(site.t, 'manager1@demo.test');
    expect((await site.t.as('manager1@demo.test', 'GET', `/api/v1/tickets/${ticket.id}`)).json().assignee.id).toBe(
      manager,
    );
    await site.shot(page, 'tickets-ticket-desktop');
  });

  it("shows a customer's open tickets on its lead page, and only the open ones", async () => {
    const sales1 = await userId(site.t, 'sales1@demo.test');
    const lead = await site.t.as('admin@demo.test', 'POST', '/api/v1/leads', {
      name: 'Kiran Stores',
      ownerId: sales1,
    });
    expect(lead.statusCode, lead.body).toBe(201);
    const leadId = lead.json().id as string;
    for (const subject of ['Barcode scanner not reading', 'Old GST invoice copy']) {
      const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/tickets', {
        subject,
        description: 'From the store.',
        leadId,
      });
      expect(created.statusCode, created.body).toBe(201);
      if (subject.startsWith('Old')) {
        const ticket = created.json() as { id: string; version: number };
        const solved = await site.t.as('admin@demo.test', 'PATCH', `/api/v1/tickets/${ticket.id}`, {
          status: 'solved',
          version: ticket.version,
        });
        expect(solved.statusCode, solved.body).toBe(200);
      }
    }
    const page = await site.newPage(390);
    await signIn(page, 'sales1@demo.test');
    await page.goto(`/leads/${leadId}`);
    const card = page.getByTestId('lead-tickets');
    await card.getByTestId('ticket-row').filter({ hasText: 'Barcode scanner not reading' }).waitFor();
    await card.getByText('1 solved or closed').waitFor();
    expect(await card.getByTestId('ticket-row').count()).toBe(1);
    expect(await overflows(page)).toBe(false);
    await card.scrollIntoViewIfNeeded();
    await site.shot(page, 'tickets-lead-card-390');
  });

  it('attaches a file on the ticket page, lists it, and points a note at it; the phone shows the card too', async () => {
    const sales1 = await userId(site.t, 'sales1@demo.test');
    const lead = await site.t.as('admin@demo.test', 'POST', '/api/v1/leads', {
      name: 'Meera Textiles',
      ownerId: sales1,
    });
    expect(lead.statusCode, lead.body).toBe(201);
    const created = await site.t.as('sales1@demo.test', 'POST', '/api/v1/tickets', {
      subject: 'Receipt printer shows an error',
      description: 'Error E-42 on start.',
      leadId: lead.json().id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json() as { id: string };

    const page = await site.newPage();
    await signIn(page, 'sales1@demo.test');
    await page.goto(`/tickets/${ticket.id}`);
    const card = page.locator('.mantine-Card-root', { hasText: 'Attachments' });
    await card.getByText('No files yet').waitFor();
    const chooser = page.waitForEvent('filechooser');
    await card.getByRole('button', { name: 'Attach' }).click();
    await (await chooser).setFiles({
      name: 'error-e42.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('E-42: paper sensor'),
    });
    await card.getByRole('button', { name: 'Download error-e42.txt' }).waitFor();
    const listed = await site.t.as('sales1@demo.test', 'GET', `/api/v1/files?ticketId=${ticket.id}`);
    expect(listed.json().data.map((f: { name: string }) => f.name)).toEqual(['error-e42.txt']);

    // A note pointing at the attachment shows it on the message.
    await page.getByText('Internal note', { exact: true }).click();
    await page.getByLabel('Note', { exact: true }).fill('Customer sent the error text.');
    await page.getByRole('combobox', { name: "Point at the ticket's files" }).click();
    await page.getByRole('option', { name: 'error-e42.txt' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.getByTestId('ticket-message').filter({ hasText: 'Customer sent the error text.' });
    await note.getByRole('button', { name: 'error-e42.txt' }).waitFor();
    await card.screenshot({ path: resolve(screenshotDir, 'tickets-attachments-card-1280.png') });
    await site.shot(page, 'tickets-attachments-1280');

    const phone = await site.newPage(390);
    await signIn(phone, 'sales1@demo.test');
    await phone.goto(`/tickets/${ticket.id}`);
    const phoneCard = phone.locator('.mantine-Card-root', { hasText: 'Attachments' });
    await phoneCard.getByRole('button', { name: 'Download error-e42.txt' }).waitFor();
    expect(await overflows(phone)).toBe(false);
    await phoneCard.scrollIntoViewIfNeeded();
    await phoneCard.screenshot({ path: resolve(screenshotDir, 'tickets-attachments-card-390.png') });
    await site.shot(phone, 'tickets-attachments-390');
  });

  it('an admin keeps the categories; the ticket page picks one and any assignee; breaching soon lists it', async () => {
    const admin = await site.newPage();
    await signIn(admin, 'admin@demo.test');
    await admin.goto('/settings/support');
    const card = admin.getByTestId('ticket-categories-card');
    for (const name of ['Billing', 'Hardware']) {
      await card.getByLabel('New category').fill(name);
      await card.getByRole('button', { name: 'Add' }).click();
    }
    await card.getByRole('button', { name: 'Save categories' }).click();
    await expect
      .poll(async () =>
        (await site.t.as('admin@demo.test', 'GET', '/api/v1/tickets/categories'))
          .json()
          .data.map((c: { key: string }) => c.key),
      )
      .toEqual(['billing', 'hardware']);

    // Urgent: its first response is due within the hour, so it is breaching soon.
    const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/tickets', {
      subject: 'Till will not boot',
      description: 'Black screen since this morning.',
      priority: 'urgent',
      category: 'billing',
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json() as { id: string };

    // An admin lists every active user in the assignee picker (the users list answers each role its own scope).
    const page = await site.newPage(390);
    await signIn(page, 'admin@demo.test');
    await page.goto('/tickets?queue=breaching');
    const row = page.getByTestId('ticket-row').filter({ hasText: 'Till will not boot' });
    await row.waitFor();
    expect(await overflows(page)).toBe(false);
    await row.click();
    await page.getByRole('heading', { name: /Till will not boot/ }).waitFor();

    await page.getByRole('combobox', { name: 'Category', exact: true }).click();
    await page.getByRole('option', { name: 'Hardware', exact: true }).click();
    await expect
      .poll(async () => (await site.t.as('admin@demo.test', 'GET', `/api/v1/tickets/${ticket.id}`)).json().category)
      .toBe('hardware');

    const assignee = page.getByRole('combobox', { name: 'Assignee', exact: true });
    await assignee.click();
    await assignee.fill('Vikram');
    await page.getByRole('option', { name: 'Vikram Mehta', exact: true }).click();
    const manager = await userId(site.t, 'manager1@demo.test');
    await expect
      .poll(async () => (await site.t.as('admin@demo.test', 'GET', `/api/v1/tickets/${ticket.id}`)).json().assignee?.id)
      .toBe(manager);
    expect(await overflows(page)).toBe(false);
    await site.shot(page, 'tickets-assignee-390');

    expect(
      (await site.t.as('admin@demo.test', 'PUT', '/api/v1/tickets/categories', { categories: [] })).statusCode,
    ).toBe(200);
  });
});
