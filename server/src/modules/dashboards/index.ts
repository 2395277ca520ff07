/**
 * The public face of the dashboards module: no other module uses it; the composition root wires its routes
 * (dashboards.routes.ts) into the app.
 */
export {};
