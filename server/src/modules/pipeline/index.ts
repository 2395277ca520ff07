/**
 * The public face of the pipeline module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { findStage, insertDefaultStages, listStages } from './pipeline.repository.ts';
