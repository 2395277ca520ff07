import type { Deps } from '../../http/context.ts';
import { type Connection, openDatabase, type SourceClient } from './extractor.connect.ts';
import { openFile } from './extractor.file.ts';
import { type HttpSettings, openHttp } from './extractor.http.ts';
import type * as repo from './extractor.repository.ts';

/** The connection of a saved database source, its password opened (it never leaves the server). */
export function connectionOf(deps: Deps, row: repo.SourceRow): Connection {
  return {
    kind: row.kind as Connection['kind'],
    host: row.host ?? '',
    port: row.port ?? 0,
    user: row.username ?? '',
    database: row.database_name ?? '',
    password: secretOf(deps, row),
  };
}

/** The source's secret (a database password, a token, a basic password, a header's value), opened. */
export const secretOf = (deps: Deps, row: repo.SourceRow) =>
  row.password_sealed ? deps.secrets.open(row.password_sealed, row.company_id) : null;

export const settingsOf = (row: repo.SourceRow) => (row.settings ?? {}) as HttpSettings;

/**
 * Opens a saved source of any kind, to be read after the cursor value `after` (from the start when null). Every
 * connection is held to the operator's policy on private addresses (IPERFORM_ALLOW_PRIVATE_ADDRESSES).
 */
export async function openSource(deps: Deps, row: repo.SourceRow, after: string | null): Promise<SourceClient> {
  const allowPrivate = deps.config.webhooksAllowPrivate;
  if (row.kind === 'http' || row.kind === 'file') {
    const source = {
      url: row.url ?? '',
      settings: settingsOf(row),
      secret: secretOf(deps, row),
      cursor: row.cursor_column,
      after,
      allowPrivate,
    };
    return row.kind === 'http' ? openHttp(source) : openFile(source);
  }
  return openDatabase(connectionOf(deps, row), row.query ?? '', row.cursor_column ?? '', after, allowPrivate);
}
