/**
 * The public face of the activity-log module: no other module uses it; the composition root wires its routes
 * (activity-log.routes.ts) into the app.
 */
export {};
