import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Placeholder until the module lands. */
export function exportsRoutes(_app: App, _deps: Deps): void {}
