/**
 * The public face of the exports module: no other module uses it; the composition root wires its routes
 * (exports.routes.ts) into the app.
 */
export {};
