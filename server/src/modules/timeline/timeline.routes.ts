import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Notes on leads and the lead timeline. */
export function timelineRoutes(_app: App, _deps: Deps): void {}
