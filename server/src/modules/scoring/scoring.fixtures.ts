import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';

/** Test helpers: history imported through the product's own import, training through the API. */

/** Runs the job queue until nothing is due, as the worker would. */
export async function drain(t: TestApp): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await t.runJobs()).claimed === 0) return;
  }
  throw new Error('the job queue did not drain');
}

/** Uploads a CSV to POST /imports as a browser would (multipart), expecting 201. */
async function upload(t: TestApp, who: string, name: string, content: string) {
  const boundary = `----scoring${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/imports',
    headers: {
      authorization: `Bearer ${await t.token(who)}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string };
}

/** A deterministic stream of numbers in [0, 1) (a linear congruential generator). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4_294_967_296;
  };
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
export const csvOf = (rows: string[][]) => rows.map((r) => r.map(quote).join(',')).join('\n');

/** Creates custom fields as the admin. */
export async function customFields(
  t: TestApp,
  who: string,
  fields: { key: string; label: string; type: string; options?: string[] }[],
) {
  for (const f of fields) {
    const res = await t.as(who, 'POST', '/api/v1/custom-fields', f);
    expect(res.statusCode, res.body).toBe(201);
  }
}

/**
 * Imports a CSV as `who` with the mapping given, stage values mapped (by default `Won`, `Lost`), every Won row with a fixed
 * expected value and every Lost row with a fixed reason (what those stages require, the same on every row so that
 * nothing about the outcome hides in them). Returns the number of leads created.
 */
export async function importHistory(
  t: TestApp,
  who: string,
  csv: string,
  columns: Record<string, string>,
  stages: Record<string, string> = { Won: 'won', Lost: 'lost', New: 'new' },
) {
  const imp = await upload(t, who, 'history.csv', csv);
  const mapping = {
    columns,
    values: { stage: stages },
    constants: { expectedValue: '1000', lostReason: 'Not converted' },
  };
  const started = await t.as(who, 'POST', `/api/v1/imports/${imp.id}/run`, { mapping, onDuplicate: 'create' });
  expect(started.statusCode, started.body).toBe(202);
  await drain(t);
  const done = (await t.as(who, 'GET', `/api/v1/imports/${imp.id}`)).json();
  if (done.status !== 'done' || done.counts?.failed) {
    const result = await t.as(who, 'GET', `/api/v1/imports/${imp.id}/result`);
    throw new Error(`import ${done.status}: ${JSON.stringify(done.counts)} ${result.body.slice(0, 600)}`);
  }
  return done;
}

export interface ModelDto {
  id: string;
  status: string;
  examples: number;
  positives: number;
  error: string | null;
  metrics: {
    auc: number;
    brier: number;
    liftTop10: number;
    baseRate: number;
    holdout: { examples: number; positives: number; from: string; to: string };
    reliability: { from: number; to: number; predicted: number | null; observed: number | null; count: number }[];
    train: { examples: number; positives: number };
  } | null;
  features: { name: string; label: string; weight: number }[];
}

/** Trains a model through the API and runs the job; returns the model as the API shows it. */
export async function trainNow(t: TestApp, who: string): Promise<ModelDto> {
  const started = await t.as(who, 'POST', '/api/v1/scoring/models');
  expect(started.statusCode, started.body).toBe(202);
  expect(started.json().status).toBe('training');
  await drain(t);
  const res = await t.as(who, 'GET', `/api/v1/scoring/models/${started.json().id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
