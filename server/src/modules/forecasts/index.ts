/**
 * The public face of the forecasts module: no other module uses it; the composition root wires its routes
 * (forecasts.routes.ts) into the app.
 */
export {};
