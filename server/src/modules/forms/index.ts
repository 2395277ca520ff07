/**
 * The public face of the forms module: no other module uses it; the composition root wires its routes
 * (forms.routes.ts) into the app.
 */
export {};
