import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_auth_lookup.ts';
import * as m0003 from './0003_leads.ts';

/** Every migration, in order. A new file is added here too, so the set is explicit and bundled with the code. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_auth_lookup': m0002,
  '0003_leads': m0003,
};
