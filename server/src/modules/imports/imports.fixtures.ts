import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';

export const fixtures = join(import.meta.dirname, '../../../test/fixtures/imports');

export function fixture(name: string): Buffer {
  return readFileSync(join(fixtures, name));
}

/** A multipart/form-data body as a browser sends it: the option fields, then the file. */
export function multipart(file: { name: string; content: Buffer | string }, fields: Record<string, string> = {}) {
  const boundary = `----iperform${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POST /api/v1/imports as `who` (an email or an API key). */
export async function upload(
  t: TestApp,
  who: string,
  file: { name: string; content: Buffer | string },
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = multipart(file, fields);
  const token = who.includes('@') ? await t.token(who) : who;
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/imports',
    headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType },
    payload: body.payload,
  });
}

/** Uploads and expects 201; returns the import. */
export async function uploaded(t: TestApp, who: string, name: string, content: Buffer | string, fields = {}) {
  const response = await upload(t, who, { name, content }, fields);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** Runs the job queue until nothing is due, as the worker would (a chunk chain runs to its end). */
export async function drain(t: TestApp): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await t.runJobs()).claimed === 0) return;
  }
  throw new Error('the job queue did not drain');
}

/** Starts an import and runs it to its end; returns the finished import. */
export async function runToEnd(t: TestApp, who: string, id: string, body: Record<string, unknown> = {}) {
  const started = await t.as(who, 'POST', `/api/v1/imports/${id}/run`, body);
  expect(started.statusCode, started.body).toBe(202);
  await drain(t);
  return (await t.as(who, 'GET', `/api/v1/imports/${id}`)).json();
}

/** The result file as rows of cells (a tiny CSV reader: our result quotes every awkward cell). */
export async function resultRows(t: TestApp, who: string, id: string): Promise<string[][]> {
  const response = await t.as(who, 'GET', `/api/v1/imports/${id}/result`);
  expect(response.statusCode, response.body).toBe(200);
  const { parse } = await import('csv-parse/sync');
  return parse(response.body.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
}
