import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Saved lead views and stage counts. */
export function viewsRoutes(_app: App, _deps: Deps): void {}
