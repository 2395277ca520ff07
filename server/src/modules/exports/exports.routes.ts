import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { RateLimiter } from '../../http/rate-limit.ts';
import { customFilterParams, ListLeadsQuery, leadFilterParams } from '../leads/index.ts';
import { exportLeads } from './exports.service.ts';

/** Exports per user per minute: each can read every lead the user sees, so a few a minute is plenty. */
export const EXPORTS_PER_MINUTE = 10;

export const ExportQuery = Type.Object(
  {
    ...leadFilterParams,
    sort: ListLeadsQuery.properties.sort,
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')], { description: 'Default csv' }),
    ),
    columns: Type.Optional(
      Type.String({
        maxLength: 4000,
        description:
          'Comma-separated fields, in order, as the list view names them (name, companyName, ownerName, ' +
          'customFields.<key>, ...); default: every field you may see',
      }),
    ),
  },
  { additionalProperties: false, patternProperties: customFilterParams },
);

const file = { type: 'string', format: 'binary' };

export function exportsRoutes(app: App, deps: Deps): void {
  const limiter = new RateLimiter(deps.db, 'export', EXPORTS_PER_MINUTE, 60);

  app.get(
    '/leads/export',
    {
      config: { permission: 'leads:export' },
      schema: {
        tags: ['leads'],
        summary: 'Download the leads of a list view (its filters, search, sort and columns) as CSV, XLSX or JSON',
        description:
          'Streamed: any number of rows. Takes the list’s filters, `q` and `sort`. Visibility and field ' +
          'permissions apply as in the list: a column you may not see cannot be asked for (400). CSV and XLSX ' +
          'name people and stages; JSON holds each lead as `GET /leads/{id}` shows it, ids beside names. Cells ' +
          'a spreadsheet would read as a formula start with an apostrophe. Every export is audited ' +
          `(\`leads.exported\`: format, filter, rows). At most ${EXPORTS_PER_MINUTE} a minute per user.`,
        querystring: ExportQuery,
        response: {
          200: {
            description: 'The file, as an attachment',
            content: {
              'text/csv': { schema: file },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: file },
              'application/json': { schema: { type: 'array', items: { type: 'object' } } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const key = ctx.actor.apiKeyId ? `key:${ctx.actor.apiKeyId}` : `user:${ctx.actor.userId}`;
      // Only the refusal (429 with Retry-After) is told: the response's RateLimit fields stay the general ones.
      await limiter.take(key);
      const { format, columns, ...params } = request.query;
      const file = await exportLeads(deps, ctx, { format: format ?? 'csv', columns, params });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
}
