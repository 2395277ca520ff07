/**
 * The public face of the forms module: its connections for the integrations home; the composition root wires
 * its routes (forms.routes.ts) into the app.
 */
export { embedHtml } from './forms.embed.ts';
export { formConnections, setFormActive } from './forms.integration.ts';
export { acceptPublicSubmissions, answerPreflight, submissionLimit } from './forms.routes.ts';
export { HONEYPOT, SubmitBody, type SubmitInput } from './forms.schemas.ts';
export { honeypotFilled } from './forms.submit.ts';
