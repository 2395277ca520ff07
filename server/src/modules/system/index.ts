/**
 * The public face of the system module: no other module uses it; the composition root wires its routes
 * (system.routes.ts) into the app.
 */
export {};
