import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Placeholder until the module lands. */
export function duplicatesRoutes(_app: App, _deps: Deps): void {}
