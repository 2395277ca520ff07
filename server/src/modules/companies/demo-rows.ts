import type { Insertable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { DB } from '../../db/types.ts';
import type { RequestContext } from '../../http/context.ts';

/** The demo data is written as its company's admin would have entered it. */
export function adminContext(team: { adminId: string; companyId: string }): RequestContext {
  return {
    actor: {
      userId: team.adminId,
      companyId: team.companyId,
      role: 'ADMIN',
      name: 'Demo seed',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId: 'demo-seed',
    ip: '127.0.0.1',
    userAgent: null,
  };
}

/** Multi-row inserts in slices that stay well under PostgreSQL's 65,535 parameters per statement. */
export async function insertRows<T extends keyof DB & string>(trx: Tx, table: T, rows: Insertable<DB[T]>[]) {
  for (let i = 0; i < rows.length; i += 250) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + 250) as never)
      .execute();
  }
}
