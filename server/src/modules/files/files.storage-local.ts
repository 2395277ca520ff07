import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStorage } from './files.storage.ts';

const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

/** Files on the local disk under `<dataDir>/files/<company>/<version>`: the default, nothing to set up. */
export class LocalStorage implements FileStorage {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'files');
  }

  private path(key: string): string {
    // Keys are made of UUIDs by us; anything else is a bug, never a path to follow.
    if (!KEY.test(key)) throw new Error(`Not a storage key: ${key}`);
    return join(this.root, key);
  }

  async put(key: string, body: Readable): Promise<void> {
    const target = this.path(key);
    // Written beside its place and renamed when complete: a reader never sees half a file.
    const part = `${target}.part`;
    try {
      await mkdir(dirname(target), { recursive: true });
      await pipeline(body, createWriteStream(part, { flags: 'wx' }));
      await rename(part, target);
    } catch (error) {
      body.destroy();
      await rm(part, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const stream = createReadStream(this.path(key));
    // Opening fails (ENOENT) before any byte is sent: surface it to the caller rather than mid-response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async presign(): Promise<string | null> {
    return null;
  }
}
