import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../src/db/embedded.ts';
import { createTemplate } from './template.ts';

const quiet = { info: () => {}, debug: () => {}, warn: () => {} };

/** One embedded PostgreSQL 18 for the run, in a temporary directory that goes away afterwards. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'iperform-test-'));
  const server = await startEmbedded(dir, quiet);
  const info = await createTemplate(withoutDatabase(server.url));
  project.provide('testDb', info);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

function withoutDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}
