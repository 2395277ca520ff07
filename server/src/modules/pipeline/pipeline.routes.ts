import type { App } from '../../app.ts';
import type { Deps } from '../../http/context.ts';

/** The company's pipeline stages. */
export function pipelineRoutes(_app: App, _deps: Deps): void {}
