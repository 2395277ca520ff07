/**
 * The public face of the customer-value module: no other module uses it; the composition root wires its routes
 * (customer-value.routes.ts) into the app.
 */
export {};
