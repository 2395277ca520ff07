import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import { LocalStorage } from './files.storage-local.ts';
import { S3Storage } from './files.storage-s3.ts';

export type StorageDriver = 'local' | 's3';

/** How a presigned link should be answered by the store: the name and type the browser gets. */
export interface PresignOptions {
  expiresInSeconds: number;
  contentType: string;
  contentDisposition: string;
}

/**
 * Where the bytes of file versions live. `put` is all or nothing: when the body or the store fails part-way,
 * nothing is left readable under the key (a local part file is removed; an S3 multipart upload is aborted).
 */
export interface FileStorage {
  readonly driver: StorageDriver;
  put(key: string, body: Readable): Promise<void>;
  get(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
  /** A short-lived link that reads the object without our server (S3 only; null where the driver has none). */
  presign(key: string, options: PresignOptions): Promise<string | null>;
}

export interface Storages {
  /** Where new uploads go: S3 when configured, else the local disk. */
  primary: FileStorage;
  /** The driver a stored version names (versions keep being read from where they were written). */
  of(driver: string): FileStorage;
}

const built = new WeakMap<Config, Storages>();

/** The storages of a configuration, built once (an S3 client keeps its connections). */
export function storagesFor(config: Config): Storages {
  let storages = built.get(config);
  if (!storages) {
    const local = new LocalStorage(config.dataDir);
    const s3 = config.s3 ? new S3Storage(config.s3) : null;
    storages = {
      primary: s3 ?? local,
      of(driver) {
        if (driver === 'local') return local;
        if (driver === 's3' && s3) return s3;
        throw new Error(`File storage driver ${driver} is not configured (IPERFORM_S3_BUCKET)`);
      },
    };
    built.set(config, storages);
  }
  return storages;
}

/** The key of a version's bytes: the company, then the version's id (both UUIDs: nothing from the client). */
export function storageKey(companyId: string, versionId: string): string {
  return `${companyId}/${versionId}`;
}
