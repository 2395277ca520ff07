import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Config } from '../server/src/config.ts';
import { createTestApp, type TestApp } from '../server/test/harness.ts';

/** Debian's Chromium (CI installs it); the browser flows skip with a message when there is none. */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
if (!chromiumPath)
  console.warn('e2e: no Chromium at /usr/bin/chromium; browser tests are skipped (apt-get install chromium)');

export const screenshotDir = resolve(import.meta.dirname, 'screenshots');
const webRoot = resolve(import.meta.dirname, '../web/dist');

export interface Site {
  t: TestApp;
  base: string;
  browser: Browser;
  newPage(width?: number): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** The real app (API and built web app) on a free port over a fresh demo database, and a headless Chromium. */
export async function openSite(overrides: Partial<Config> = {}): Promise<Site> {
  if (!existsSync(resolve(webRoot, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build -w web` (npm test does)');
  const t = await createTestApp(overrides, { webRoot });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath ?? undefined,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    t,
    base,
    browser,
    async newPage(width = 1280) {
      const context = await browser.newContext({ baseURL: base, viewport: { width, height: width < 600 ? 844 : 800 } });
      return context.newPage();
    },
    async shot(page, name) {
      await page.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: false });
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
