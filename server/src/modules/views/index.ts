/**
 * The public face of the views module: no other module uses it; the composition root wires its routes
 * (views.routes.ts) into the app.
 */
export {};
