/**
 * The public face of the merges module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { survivorOf } from './merges.redirect.ts';
export { mergeSource, mergeUndoneSource } from './merges.timeline.ts';
