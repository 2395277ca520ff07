import type { TestProject } from 'vitest/node';
import { createTemplate, dropTemplate } from './template.ts';

/** The same suite against the PostgreSQL server at TEST_DATABASE_URL (a role that may create databases). */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const info = await createTemplate(url);
  project.provide('testDb', info);
  return async () => dropTemplate(info);
}
