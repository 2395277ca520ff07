/**
 * The public face of the timeline module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */

export type { Cursor } from './timeline.repository.ts';
export { atMicros, olderThan } from './timeline.repository.ts';
export type { TimelineEntry, TimelineSource } from './timeline.sources.ts';
