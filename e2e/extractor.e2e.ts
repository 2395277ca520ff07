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
    site = await openSite();
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
    await preview.getByText('"name":"Meera Iyer"', { exact: false }).waitFor();
    await preview.getByRole('button').first().click();

    await card.getByRole('button', { name: 'Run' }).click();
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
