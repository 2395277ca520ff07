import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, migrate } from '../src/db/client.ts';
import { startEmbedded } from '../src/db/embedded.ts';

const quiet = { info: () => {}, debug: () => {}, warn: (m: string) => console.warn(m) };

/** A throw-away migrated database (embedded, in a temp dir) for the generators. */
export async function withScratchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'iperform-gen-'));
  const server = await startEmbedded(dir, quiet);
  try {
    const dbs = connect(server.url, 2);
    try {
      await migrate(dbs.owner);
    } finally {
      await dbs.close();
    }
    return await work(server.url);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
