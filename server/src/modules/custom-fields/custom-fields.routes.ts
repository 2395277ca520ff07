import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** Custom lead fields and per-role field permissions. */
export function customFieldsRoutes(_app: App, _deps: Deps): void {}
