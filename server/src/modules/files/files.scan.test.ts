import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR, FakeClamd } from '../../../test/fakes/clamd.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { filesUnder, upload, uploaded } from './files.fixtures.ts';

/**
 * The virus-scan hook against a local server that speaks clamd's INSTREAM protocol and flags the EICAR test
 * string: clean files pass, infected ones are refused (422, audited) and leave nothing, a scanner that cannot be
 * reached refuses the upload (503) rather than keep an unscanned file.
 */
const clamd = new FakeClamd();
let t: TestApp;
let down: TestApp;
let dataDir: string;
const ADMIN = 'admin@demo.test';

beforeAll(async () => {
  const port = await clamd.start();
  dataDir = await mkdtemp(join(tmpdir(), 'iperform-files-scan-'));
  t = await createTestApp({ dataDir, clamd: { host: '127.0.0.1', port, timeoutMs: 5000 } });
  // Port 1 on loopback: nothing listens there.
  down = await createTestApp({ dataDir, clamd: { host: '127.0.0.1', port: 1, timeoutMs: 5000 } });
});
afterAll(async () => {
  await t?.close();
  await down?.close();
  await clamd.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('virus scanning with clamd', () => {
  it('lets a clean file through, scanned in chunks', async () => {
    const scans = clamd.scans;
    const content = Buffer.alloc(200_000, 'a');
    const file = await uploaded(t, ADMIN, 'clean.txt', content);
    expect(file.size).toBe(content.length);
    expect(clamd.scans).toBe(scans + 1);
  });

  it('refuses the EICAR test file with 422, audits it, and stores nothing', async () => {
    const before = (await filesUnder(join(dataDir, 'files'))).length;
    const response = await upload(t, 'sales1@demo.test', { name: 'invoice.pdf', content: `junk ${EICAR} junk` });
    const problem = expectProblem(response, 422, 'file_infected', 'file');
    expect(problem.detail).toMatch(/Eicar-Test-Signature/);
    expect(response.json().signature).toBe('Eicar-Test-Signature');
    expect((await t.as(ADMIN, 'GET', '/api/v1/files')).json().data.map((f: { name: string }) => f.name)).not.toContain(
      'invoice.pdf',
    );
    expect((await filesUnder(join(dataDir, 'files'))).length).toBe(before);
    const log = (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=file')).json().data;
    const infected = log.find((e: { action: string }) => e.action === 'file.infected');
    expect(infected?.changes?.signature?.to).toBe('Eicar-Test-Signature');
  });

  it('refuses uploads while the scanner cannot be reached (503), storing nothing', async () => {
    const before = (await filesUnder(join(dataDir, 'files'))).length;
    const response = await upload(down, ADMIN, { name: 'unscanned.txt', content: 'hello' });
    expectProblem(response, 503, 'scan_unavailable');
    expect((await filesUnder(join(dataDir, 'files'))).length).toBe(before);
  });

  it('refuses a file past the scanner’s stream limit rather than keep it unscanned', async () => {
    clamd.maxBytes = 100_000;
    try {
      const response = await upload(t, ADMIN, { name: 'huge.txt', content: Buffer.alloc(300_000, 'b') });
      const problem = expectProblem(response, 503, 'scan_unavailable');
      expect(problem.detail).toMatch(/size limit/);
    } finally {
      clamd.maxBytes = 25 * 1024 * 1024;
    }
  });
});
