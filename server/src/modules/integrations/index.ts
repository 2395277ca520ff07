/**
 * The public face of the integrations module: no other module uses it; the composition root wires its routes
 * (integrations.routes.ts) into the app. It composes what each connected module says of its connections.
 */
export {};
