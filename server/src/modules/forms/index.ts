/**
 * The public face of the forms module: its connections for the integrations home; the composition root wires
 * its routes (forms.routes.ts) into the app.
 */
export { formConnections, setFormActive } from './forms.integration.ts';
