/**
 * The public face of the custom-fields module: no other module uses it; the composition root wires its routes
 * (custom-fields.routes.ts) into the app.
 */
export {};
