import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Partner organisations. */
export function partnersRoutes(_app: App, _deps: Deps): void {}
