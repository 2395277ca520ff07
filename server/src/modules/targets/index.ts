/**
 * The public face of the targets module: no other module uses it; the composition root wires its routes
 * (targets.routes.ts) into the app. Dashboards draw the `targets` tile from GET /targets.
 */
export {};
