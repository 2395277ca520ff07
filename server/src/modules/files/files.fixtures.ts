import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';

/** A multipart/form-data body as a browser sends it: the fields, then the file (then `after`, if any). */
export function multipart(
  file: { name: string; content: Buffer | string } | null,
  fields: Record<string, string> = {},
  after: Record<string, string> = {},
) {
  const boundary = `----iperform${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const field = (name: string, value: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  for (const [name, value] of Object.entries(fields)) parts.push(field(name, value));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          'Content-Type: text/plain\r\n\r\n',
        'utf8',
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  for (const [name, value] of Object.entries(after)) parts.push(field(name, value));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POST /api/v1/files as `who`. */
export async function upload(
  t: TestApp,
  who: string,
  file: { name: string; content: Buffer | string } | null,
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = multipart(file, fields);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/files',
    headers: { authorization: `Bearer ${await t.token(who)}`, 'content-type': body.contentType },
    payload: body.payload,
  });
}

/** Uploads and expects 201; returns the file. */
export async function uploaded(
  t: TestApp,
  who: string,
  name: string,
  content: Buffer | string,
  fields: Record<string, string> = {},
) {
  const response = await upload(t, who, { name, content }, fields);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as {
    id: string;
    name: string;
    size: number;
    contentType: string;
    sha256: string;
    version: number;
    previewable: boolean;
    deletedAt: string | null;
  };
}

/** Every regular file under a directory (none when it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** A 1x1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
