import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { findVisibleLead } from '../leads/index.ts';

/** Longer chains than this cannot come from merges of at most 10 leads undone in order; it only guards a loop. */
const MAX_HOPS = 100;

/**
 * Where a merged-away lead lives on: its survivor, following chains (A merged into B, then B into C, gives C).
 * Returns the survivor's id when `id` is a tombstone and the actor may see that live survivor; null otherwise,
 * including for a lead that was never merged (the caller answers 404 either way).
 */
export async function survivorOf(trx: Tx, actor: Actor, id: string): Promise<string | null> {
  const result = await sql<{ id: string; hops: number }>`
    WITH RECURSIVE chain (id, merged_into, hops) AS (
      SELECT id, merged_into, 0 FROM leads WHERE id = ${id}
      UNION ALL
      SELECT l.id, l.merged_into, c.hops + 1
      FROM leads l JOIN chain c ON l.id = c.merged_into
      WHERE c.hops < ${MAX_HOPS}
    )
    SELECT id, hops FROM chain WHERE merged_into IS NULL`.execute(trx);
  const end = result.rows[0];
  if (!end || end.hops === 0) return null;
  const survivor = await findVisibleLead(trx, actor, end.id);
  return survivor ? survivor.id : null;
}
