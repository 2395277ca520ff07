import { randomUUID } from 'node:crypto';
import type { Connector, ConnectorContext } from '../src/modules/erp/connector.ts';
import { createConnectorContext } from '../src/modules/erp/http.ts';

/**
 * A connector context for testing one connector against its fake, outside any database: the framework's real
 * `http` (timeouts, rate limit, 429 waits, OAuth refresh), with saved secrets kept in `saved` (in order).
 */
export function testConnectorContext(
  connector: Connector,
  settings: Record<string, unknown>,
  secrets: Record<string, string> = {},
  options: { now?: () => Date; maxWaitSeconds?: number; timeoutMs?: number } = {},
): ConnectorContext & { saved: Record<string, string | null>[] } {
  const saved: Record<string, string | null>[] = [];
  const ctx = createConnectorContext({
    connector,
    connectionKey: randomUUID(),
    settings,
    secrets,
    saveSecrets: async (update) => {
      saved.push(update);
    },
    now: options.now ?? (() => new Date()),
    maxWaitSeconds: options.maxWaitSeconds ?? 5,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
  return Object.assign(ctx, { saved });
}
