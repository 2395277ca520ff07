import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userId } from '../server/test/harness.ts';
import { chromiumPath, openSite, type Site } from './harness.ts';

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('welcome-card').waitFor();
}

/** A one-page PDF with a line of text, small enough to write by hand (offsets computed). */
function pdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A small solid-colour PNG. */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(typed));
    return Buffer.concat([length, typed, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8);
  header.writeUInt8(2, 9);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x4c)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.skipIf(!chromiumPath)('files in the browser', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('a salesperson attaches a PDF and an image to a lead, and previews both', async () => {
    const created = await site.t.as('admin@demo.test', 'POST', '/api/v1/leads', {
      name: 'Attachment Flow Lead',
      ownerId: await userId(site.t, 'sales1@demo.test'),
    });
    const leadId = created.json().id as string;
    const page = await site.newPage();
    await signIn(page, 'sales1@demo.test');
    await page.goto(`/leads/${leadId}`);
    const card = page.locator('.mantine-Card-root', { hasText: 'Attachments' });
    await card.getByText('No files yet').waitFor();

    for (const file of [
      { name: 'Quote.pdf', mimeType: 'application/pdf', buffer: pdf('Quote for Attachment Flow Lead') },
      { name: 'Site photo.png', mimeType: 'image/png', buffer: png(64, 48) },
    ]) {
      const chooser = page.waitForEvent('filechooser');
      await card.getByRole('button', { name: 'Attach' }).click();
      await (await chooser).setFiles(file);
      await card.getByRole('button', { name: `Download ${file.name}` }).waitFor();
    }
    await site.shot(page, 'files-lead-attachments');

    // The image opens in a modal, drawn from the bytes fetched with the session.
    await card.getByRole('button', { name: 'Preview Site photo.png' }).click();
    const modal = page.getByRole('dialog', { name: 'Site photo.png' });
    const image = modal.getByRole('img', { name: 'Site photo.png' });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    await site.shot(page, 'files-image-preview');
    await page.keyboard.press('Escape');

    // The PDF opens in a tab of its own.
    const popup = page.context().waitForEvent('page');
    await card.getByRole('button', { name: 'Preview Quote.pdf' }).click();
    const tab = await popup;
    await expect.poll(() => tab.url()).toMatch(/^blob:/);

    const files = await site.t.as('sales1@demo.test', 'GET', `/api/v1/files?leadId=${leadId}`);
    expect(files.json().data.map((f: { name: string; contentType: string }) => [f.name, f.contentType])).toEqual([
      ['Quote.pdf', 'application/pdf'],
      ['Site photo.png', 'image/png'],
    ]);
  });

  it('a manager makes a folder and uploads into it on the Files page', async () => {
    const page = await site.newPage(390);
    await signIn(page, 'manager1@demo.test');
    await page.goto('/files');
    await page.getByRole('button', { name: 'New folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByLabel('Name').fill('Price lists');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Price lists', { exact: true }).first().waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload' }).click();
    await (await chooser).setFiles({ name: 'prices.txt', mimeType: 'text/plain', buffer: Buffer.from('a,b\n1,2\n') });
    await page.getByRole('button', { name: 'Download prices.txt' }).waitFor();

    // Dropped onto the list, a file of the same name becomes its second version.
    await page.getByRole('region', { name: 'Drop files here to upload' }).evaluate((area) => {
      const data = new DataTransfer();
      data.items.add(new File(['a,b\n1,3\n'], 'prices.txt', { type: 'text/plain' }));
      area.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.getByRole('button', { name: 'Versions of prices.txt' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions of prices.txt' });
    await versions.getByText('Version 2 (current)').waitFor();
    await versions.getByText('Version 1', { exact: true }).waitFor();
    await site.shot(page, 'files-page-mobile');
  });
});
