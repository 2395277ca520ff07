import { withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Connector, ConnectorContext } from './connector.ts';
import { connectorById } from './connectors/index.ts';
import type { ConnectionRow } from './erp.repository.ts';
import { createConnectorContext } from './http.ts';

/** A connection's secrets, opened (they never leave the server). */
export function openSecrets(deps: Deps, row: Pick<ConnectionRow, 'secrets_sealed' | 'company_id'>) {
  if (!row.secrets_sealed) return {} as Record<string, string>;
  return JSON.parse(deps.secrets.open(row.secrets_sealed, row.company_id)) as Record<string, string>;
}

export function sealSecrets(deps: Deps, companyId: string, secrets: Record<string, string>): string | null {
  return Object.keys(secrets).length === 0 ? null : deps.secrets.seal(JSON.stringify(secrets), companyId);
}

export function connectorOf(row: Pick<ConnectionRow, 'connector'>): Connector {
  const connector = connectorById(row.connector);
  if (!connector) throw new Error(`Unknown connector ${row.connector}`);
  return connector;
}

/**
 * The context a connector works in for one connection. Changed secrets (a refreshed or rotated OAuth token, a new
 * SAP session) are stored at once in a transaction of their own: a sync that fails later must not roll back a
 * refresh token the ERP has already replaced, or the connection would be locked out.
 */
export function contextFor(deps: Deps, row: ConnectionRow): ConnectorContext {
  return createConnectorContext({
    connector: connectorOf(row),
    connectionKey: `${row.company_id}:${row.id}`,
    settings: row.settings as Record<string, unknown>,
    secrets: openSecrets(deps, row),
    now: () => deps.clock.now(),
    maxWaitSeconds: deps.config.erpMaxWaitSeconds,
    saveSecrets: (update) =>
      withTenant(deps.db, row.company_id, async (trx) => {
        const current = await trx
          .selectFrom('erp_connections')
          .select(['secrets_sealed', 'company_id'])
          .where('id', '=', row.id)
          .forUpdate()
          .executeTakeFirst();
        if (!current) return;
        const secrets = openSecrets(deps, current);
        for (const [name, value] of Object.entries(update)) {
          if (value === null) delete secrets[name];
          else secrets[name] = value;
        }
        await trx
          .updateTable('erp_connections')
          .set({ secrets_sealed: sealSecrets(deps, row.company_id, secrets) })
          .where('id', '=', row.id)
          .execute();
      }),
  });
}
