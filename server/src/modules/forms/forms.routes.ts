import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Web forms and their public submission endpoint. */
export function formsRoutes(_app: App, _deps: Deps): void {}
