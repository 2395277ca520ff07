/**
 * The public face of the targets module: the targets of a period, for the forecasts by person. The composition
 * root wires its routes (targets.routes.ts) into the app; dashboards draw the `targets` tile from GET /targets.
 */
export { type TargetFigures, userAndTeamTargets } from './targets.repository.ts';
