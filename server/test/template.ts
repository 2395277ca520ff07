import pg from 'pg';
import { seedDemo } from '../src/composition/demo-seed.ts';
import { connect, migrate } from '../src/db/client.ts';

export interface TestDatabaseInfo {
  /** A connection URL whose database part is replaced per test file. */
  serverUrl: string;
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: TestDatabaseInfo;
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A migrated database holding the demo companies; every test file starts from a copy of it. */
export async function createTemplate(serverUrl: string): Promise<TestDatabaseInfo> {
  const template = `iperform_tpl_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
  const dbs = connect(withDatabase(serverUrl, template), 4);
  try {
    await migrate(dbs.owner);
    await seedDemo(dbs.app);
  } finally {
    await dbs.close();
  }
  return { serverUrl, template };
}

export async function dropTemplate(info: TestDatabaseInfo): Promise<void> {
  await adminQuery(info.serverUrl, `DROP DATABASE IF EXISTS ${info.template} WITH (FORCE)`);
}
