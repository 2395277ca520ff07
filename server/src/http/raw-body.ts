import type { App } from './app.ts';

/**
 * Makes a route scope keep a JSON body as the exact bytes received (a Buffer), for webhooks whose signature
 * covers those bytes and not a re-serialisation of them. Call it on the webhook's own scope only
 * (`app.register(async (scope) => ...)`): the other routes keep their parsed, validated bodies.
 */
export function keepRawJsonBodies(scope: App, bodyLimit: number): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_r, body, done) =>
    done(null, body),
  );
}
