import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** The caller's notifications. */
export function notificationsRoutes(_app: App, _deps: Deps): void {}
