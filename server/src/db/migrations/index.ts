import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.ts';

/** Every migration, in order. A new file is added here too, so the set is explicit and bundled with the code. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
