import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
let doc: {
  paths: Record<
    string,
    Record<string, { security?: unknown[]; 'x-permission'?: string; responses: Record<string, unknown> }>
  >;
};
const methods = ['get', 'post', 'put', 'patch', 'delete'];
const sampleId = '01900000-0000-7000-8000-000000000000';

beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
});
afterAll(() => t.close());

function operations() {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists the foundation routes', () => {
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/audit',
      '/api/v1/roles',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('gives every API route a permission and a security requirement, and documents its problems', () => {
    const api = operations().filter((o) => o.path.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(15);
    for (const { path, method, op } of api) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op['x-permission'], where).toBeTruthy();
      if (op['x-permission'] === 'public') expect(op.security, where).toEqual([]);
      else expect(op.security, where).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(op.responses), where).toContain('4XX');
    }
  });

  it('answers 401 problem+json on every non-public route when no credentials are sent', async () => {
    for (const { path, method, op } of operations()) {
      if (!path.startsWith('/api/v1/') || op['x-permission'] === 'public') continue;
      const url = path.replace(/\{[^}]+\}/g, sampleId);
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        payload: method === 'get' || method === 'delete' ? undefined : {},
      });
      expect(response.statusCode, `${method.toUpperCase()} ${path}`).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('unauthenticated');
    }
  });

  it('answers 401 with a garbage bearer token on every non-public route', async () => {
    for (const { path, method, op } of operations()) {
      if (!path.startsWith('/api/v1/') || op['x-permission'] === 'public') continue;
      const url = path.replace(/\{[^}]+\}/g, sampleId);
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: { authorization: 'Bearer not-a-token' },
      });
      expect(response.statusCode, `${method.toUpperCase()} ${path}`).toBe(401);
    }
  });

  it('serves an interactive reference at /api/docs', async () => {
    const response = await t.app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});
