import { sql } from 'kysely';
import { type Database, withTenant } from '../db/client.ts';
import { enqueue } from '../jobs/queue.ts';
import { seedDemoScoreRules } from '../modules/scoring/index.ts';
import { jobRegistry } from './jobs.ts';

/**
 * The insight jobs a company otherwise runs at night or early in the morning (scores, the at-risk scan, customer
 * value, the forecast's month record, assignment recommendations), due at once: queued for the demo company
 * when it is first added by `npm start` (or `seed --demo`), with a few score rules, so that its dashboards show
 * scores of every tier, flags and forecasts from the first sign-in rather than from the next morning. The test
 * database's demo company has none of this: tests start from no scores and no rules.
 */
const FIRST_RUNS = [
  'scoring.daily',
  'risk.scan_now',
  'customer_value.refresh_now',
  'forecasts.record',
  'recommendations.refresh_now',
] as const;

export async function startDemoInsights(db: Database, companyId: string, now: Date): Promise<void> {
  await withTenant(db, companyId, async (trx) => {
    const { rows } = await sql<{ id: string }>`SELECT u.id FROM users u WHERE u.role = 'ADMIN'
      ORDER BY u.created_at, u.id LIMIT 1`.execute(trx);
    const admin = rows[0];
    if (!admin) throw new Error('the demo company has no admin');
    await seedDemoScoreRules(trx, admin.id, now);
    for (const kind of FIRST_RUNS) {
      const definition = jobRegistry.get(kind);
      if (!definition) throw new Error(`no job kind ${kind}`);
      await enqueue(trx, definition, {} as never, { runAt: now, now });
    }
  });
}
