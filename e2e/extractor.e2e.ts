import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mysql from 'mysql2/promise';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSite, type Site } from './harness.ts';

/** An admin previews a source on this machine's MariaDB, runs it and watches the run reach its end. */
const SCRATCH = `iperform_e2e_${process.pid}`;

async function mariadb(): Promise<mysql.Connection | null> {
  try {
    return await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      connectTimeout: 2000,
      multipleStatements: true,
    });
  } catch {
    console.info('extractor browser flow skipped: MariaDB is not answering on 127.0.0.1:3306');
    return null;
  }
}
const maria = chromiumPath ? await mariadb() : null;

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

describe.skipIf(!chromiumPath || !maria)('the extractor in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    await maria?.query(`DROP DATABASE IF EXISTS ${SCRATCH}; CREATE DATABASE ${SCRATCH}; USE ${SCRATCH};
      CREATE TABLE dealers (id INT PRIMARY KEY, contact VARCHAR(100), email VARCHAR(100), town VARCHAR(50));
      INSERT INTO dealers VALUES (1, 'Meera Iyer', 'meera@dealer.example', 'Chennai'),
        (2, 'Arjun Nair', 'arjun@dealer.example', 'Kochi'), (3, 'Farah Khan', 'farah@dealer.example', 'Pune');`);
    // The sources are on this machine: the operator's setting lets the extractor reach loopback addresses.
    site = await openSite({ webhooksAllowPrivate: true });
  });
  afterAll(async () => {
    await site?.close();
    await maria?.query(`DROP DATABASE IF EXISTS ${SCRATCH}`);
    await maria?.end();
  });

  it('previews the rows as leads, runs the source and shows the run done', async () => {
    const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/extractor/sources', {
      name: 'Dealer network',
      kind: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: SCRATCH,
      query: 'SELECT id, contact, email, town FROM dealers',
      cursorColumn: 'id',
      mapping: [
        { target: 'name', from: 'contact', transform: 'trim' },
        { target: 'emails', from: 'email', transform: 'lower' },
        { target: 'city', from: 'town' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);

    const page = await site.newPage(390);
    await signIn(page, 'admin@demo.test');
    await page.goto('/settings/extractor');
    const card = page.locator('.mantine-Card-root').filter({ hasText: 'Dealer network' });
    await card.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog');
    await preview.getByRole('cell', { name: 'Meera Iyer' }).waitFor();
    await site.shot(page, 'extractor-preview-390');
    await preview.getByRole('button').first().click();

    await card.getByRole('button', { name: 'Run now' }).click();
    await card.getByText('queued', { exact: true }).waitFor();
    // The worker's part: the test app has none, so the test runs the jobs the click queued.
    await site.t.runJobs();
    await card.getByText('succeeded', { exact: true }).waitFor();
    await card.getByText(/read 3 · created 3/).waitFor();
    await site.shot(page, 'extractor-run-390');
    const found = await site.t.as('admin@demo.test', 'GET', '/api/v1/leads?q=dealer.example');
    expect(
      found
        .json()
        .data.map((l: { name: string }) => l.name)
        .sort(),
    ).toEqual(['Arjun Nair', 'Farah Khan', 'Meera Iyer']);
  });
});

/** An admin adds an HTTP JSON API source with the form, previews it, runs it and edits it. */
describe.skipIf(!chromiumPath)('the extractor form in the browser', () => {
  let site: Site;
  let api: Server;
  let base: string;
  beforeAll(async () => {
    api = createServer((req, res) => {
      if (req.headers.authorization !== 'Bearer form-token') return void res.writeHead(401).end();
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
      const all = [
        { id: 1, name: 'Kavya Menon', email: 'kavya@api-form.example' },
        { id: 2, name: '', email: 'nameless@api-form.example' },
        { id: 3, name: 'Rohan Das', email: 'rohan@api-form.example' },
      ];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { items: all.slice((page - 1) * 2, page * 2) } }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    site = await openSite({ webhooksAllowPrivate: true });
  });
  afterAll(async () => {
    await site?.close();
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
  });

  for (const width of [1280, 390]) {
    it(`adds an API source with the form, previews, runs and edits it at ${width} px`, async () => {
      const page = await site.newPage(width);
      await signIn(page, 'admin@demo.test');
      await page.goto('/settings/extractor');
      await page.getByRole('button', { name: 'Add source' }).click();
      const form = page.getByRole('dialog');
      const name = `Partner API ${width}`;
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('URL').fill('not a url');
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await form.getByText('URL').first().waitFor();
      await form.getByText(/is not a valid URL/).waitFor();
      await form.getByLabel('URL').fill(`${base}/people`);
      await form.getByLabel('Authentication').click();
      await page.getByRole('option', { name: 'Bearer token', exact: true }).click();
      await form.getByLabel('Token').fill('form-token');
      await form.getByLabel('Records path').fill('data.items');
      await form.getByLabel('Cursor field').fill('id');
      await form.getByLabel('Pagination').click();
      await page.getByRole('option', { name: 'Page number', exact: true }).click();
      await form.getByLabel('Value 1').fill('name');
      await form.getByRole('button', { name: 'Add field' }).click();
      await form.getByLabel('Lead field 2').fill('emails');
      await form.getByLabel('Value 2').fill('email');
      await site.shot(page, `extractor-form-${width}`);
      await form.getByRole('button', { name: 'Save and preview' }).click();

      const preview = page.getByRole('dialog').filter({ hasText: 'Preview' });
      await preview.getByRole('cell', { name: 'Kavya Menon' }).waitFor();
      await preview.getByText(/2 would become leads; 1 would fail/).waitFor();
      await site.shot(page, `extractor-http-preview-${width}`);
      await preview.getByRole('button').first().click();

      const card = page.locator('.mantine-Card-root').filter({ hasText: name }).last();
      await card.getByText('HTTP JSON API').waitFor();
      await card.getByRole('button', { name: 'Run now' }).click();
      await card.getByText('queued', { exact: true }).waitFor();
      await site.t.runJobs();
      await card.getByText('succeeded', { exact: true }).waitFor();
      await card
        .getByText(width === 1280 ? /read 3 · created 2 · .* failed 1/ : /read 3 · created 0 · .* failed 1/)
        .waitFor();
      await site.shot(page, `extractor-http-run-${width}`);

      // Editing keeps the stored token when its field is left empty.
      await card.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog');
      await edit.getByText('Stored sealed; leave empty to keep it').waitFor();
      await edit.getByLabel('Name').fill(`${name} (edited)`);
      await edit.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText(`${name} (edited)`, { exact: true }).waitFor();
      const sources = (await site.t.as('admin@demo.test', 'GET', '/api/v1/extractor/sources')).json().data;
      const saved = sources.find((s: { name: string }) => s.name === `${name} (edited)`);
      expect(saved.auth).toEqual({ kind: 'bearer', user: null, name: null, hasSecret: true });
      await page.context().close();
    });
  }
});
