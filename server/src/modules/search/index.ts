/**
 * The public face of the search module: no other module uses it; the composition root wires its routes
 * (search.routes.ts) into the app.
 */
export {};
