import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Assignment rules, their preview, and each user's availability and caps. */
export function assignmentRoutes(_app: App, _deps: Deps): void {}
