import { sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { fieldError, notFound } from '../../http/errors.ts';
import type { ConnectionReport } from '../../lib/connections.ts';
import { isUuid } from '../../lib/ids.ts';
import { emailConnections } from '../email/index.ts';
import { erpConnections, setErpPaused } from '../erp/index.ts';
import { facebookConnections } from '../facebook/index.ts';
import { formConnections, setFormActive } from '../forms/index.ts';
import { setEndpointEnabled, webhookConnections } from '../webhooks/index.ts';
import { whatsappConnections } from '../whatsapp/index.ts';
import { pausableKinds } from './integrations.schemas.ts';

/** The company's time zone, its today, and the instant that today began. */
async function companyDay(trx: Tx, companyId: string, now: Date) {
  const row = await trx
    .selectFrom('companies')
    .select([
      'timezone',
      sql<string>`to_char((${now}::timestamptz AT TIME ZONE timezone)::date, 'YYYY-MM-DD')`.as('today'),
      sql<Date>`(date_trunc('day', ${now}::timestamptz AT TIME ZONE timezone) AT TIME ZONE timezone)`.as('since'),
    ])
    .where('id', '=', companyId)
    .executeTakeFirstOrThrow();
  return { timezone: row.timezone, today: row.today, since: new Date(row.since) };
}

async function connectionsOf(trx: Tx, companyId: string, since: Date): Promise<ConnectionReport[]> {
  return [
    ...(await formConnections(trx, since)),
    ...(await emailConnections(trx, companyId, since)),
    ...(await whatsappConnections(trx, companyId, since)),
    ...(await webhookConnections(trx, since)),
    ...(await facebookConnections(trx, since)),
    ...(await erpConnections(trx, since)),
  ];
}

/** Every connection of the caller's company, each as its own module describes it. */
export async function listConnections(deps: Deps, ctx: RequestContext) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    const day = await companyDay(trx, companyId, deps.clock.now());
    return { data: await connectionsOf(trx, companyId, day.since), today: day.today, timezone: day.timezone };
  });
}

/**
 * Pauses or resumes one connection through its own module (which audits the change): a webhook endpoint is
 * disabled or enabled, a web form deactivated or activated. Other kinds are 400 naming `kind`; an id the
 * company does not have is 404.
 */
export async function setPaused(deps: Deps, ctx: RequestContext, kind: string, id: string, paused: boolean) {
  if (!(pausableKinds as readonly string[]).includes(kind)) {
    throw fieldError('validation_failed', 'kind', `cannot be paused or resumed; one of ${pausableKinds.join(', ')}`);
  }
  if (!isUuid(id)) throw notFound('connection');
  if (kind === 'webhook') await setEndpointEnabled(deps, ctx, id, !paused);
  else if (kind === 'erp') await setErpPaused(deps, ctx, id, paused);
  else await setFormActive(deps, ctx, id, !paused);
  const { data } = await listConnections(deps, ctx);
  const connection = data.find((c) => c.kind === kind && c.id === id);
  if (!connection) throw notFound('connection');
  return connection;
}
