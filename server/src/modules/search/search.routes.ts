import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { SearchQuery, SearchResults } from './search.schemas.ts';
import { globalSearch } from './search.service.ts';

export function searchRoutes(app: App, deps: Deps): void {
  app.get(
    '/search',
    {
      // Any signed-in role; the service answers with what it may read (leads:read, users:read) or 403 for neither.
      config: { permission: 'profile:self' },
      schema: {
        tags: ['search'],
        summary: 'Search leads and users at once: the leads and users you may see, a few of each',
        querystring: SearchQuery,
        response: { 200: SearchResults },
      },
    },
    (request) => globalSearch(deps, contextOf(request), request.query),
  );
}
