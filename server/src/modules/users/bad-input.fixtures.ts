/**
 * Shared by bad-input.test.ts and bad-input.cases.ts: the shape of a route's table of cases, and the cases every
 * route gets (generated from its fields, and malformed JSON).
 */

export const ids: Record<string, string> = {};
export const ADMIN = 'admin@demo.test';
export const PASSWORD = 'correct-horse-battery-staple';

export interface Case {
  name: string;
  /** A JSON value to send, or `raw` text sent as-is with Content-Type application/json. */
  body?: unknown;
  raw?: string;
  status: number;
  code: string;
  /** Paths errors[] must name (all of them). */
  paths?: string[];
  /** A wrong password guess: it counts against the sign-in throttle (and only that may change). */
  guess?: boolean;
}

export interface Field {
  name: string;
  required: boolean;
  /** The schema's maxLength, when it has one. */
  max?: number;
  /** A value of the wrong JSON type. */
  wrongType?: unknown;
}

export interface Route {
  label: string;
  method: 'POST' | 'PATCH' | 'PUT';
  url: () => string;
  /** Email of the caller, or null for a public route. */
  who: () => string | null;
  /** A body that passes validation: each case breaks one thing in it. */
  valid: () => Record<string, unknown>;
  fields: Field[];
  /** Cases beyond the generated ones: semantic rules. */
  extra: () => Case[];
}

function malformedCases(): Case[] {
  const malformed = ['{"name":', '{bad json}', "{'name': 'single quotes'}", '{"a":1,}', '{"a":1}{"b":2}', '\u0000'];
  const nonObject = ['[]', '[{"name":"x"}]', '"x"', '42', 'true', 'null'];
  return [
    ...malformed.map((raw) => ({ name: `malformed JSON ${raw}`, raw, status: 400, code: 'malformed_json' })),
    { name: 'an empty body that claims JSON', raw: '', status: 400, code: 'malformed_json' },
    { name: 'a __proto__ key', raw: '{"__proto__":{"role":"ADMIN"}}', status: 400, code: 'malformed_json' },
    {
      name: 'a constructor.prototype key',
      raw: '{"constructor":{"prototype":{"role":"ADMIN"}}}',
      status: 400,
      code: 'malformed_json',
    },
    ...nonObject.map((raw) => ({ name: `non-object JSON ${raw}`, raw, status: 400, code: 'validation_failed' })),
  ];
}

export function generatedCases(route: Route): Case[] {
  const valid = route.valid();
  const cases: Case[] = [
    {
      name: 'an unknown field',
      body: { ...valid, notAField: 'x' },
      status: 400,
      code: 'validation_failed',
      paths: ['notAField'],
    },
    {
      name: 'an unknown field holding an object',
      body: { ...valid, settings: { admin: true } },
      status: 400,
      code: 'validation_failed',
      paths: ['settings'],
    },
  ];
  for (const field of route.fields) {
    const omit = { ...valid };
    delete omit[field.name];
    cases.push(
      {
        name: `${field.name} of the wrong type`,
        body: { ...valid, [field.name]: field.wrongType ?? 12345 },
        status: 400,
        code: 'validation_failed',
        paths: [field.name],
      },
      {
        name: `${field.name} as an object`,
        body: { ...valid, [field.name]: { value: 'x' } },
        status: 400,
        code: 'validation_failed',
        paths: [field.name],
      },
      {
        name: `${field.name} as an empty string`,
        body: { ...valid, [field.name]: '' },
        status: 400,
        code: 'validation_failed',
        paths: [field.name],
      },
      {
        name: `${field.name} oversized`,
        body: { ...valid, [field.name]: 'x'.repeat((field.max ?? 10_000) + 1) },
        status: 400,
        code: 'validation_failed',
        paths: [field.name],
      },
    );
    if (field.required) {
      cases.push({
        name: `${field.name} missing`,
        body: omit,
        status: 400,
        code: 'validation_failed',
        paths: [field.name],
      });
    }
  }
  const required = route.fields.filter((f) => f.required).map((f) => f.name);
  cases.push({
    name: 'an empty object',
    body: {},
    status: 400,
    code: 'validation_failed',
    ...(required.length > 0 ? { paths: required } : {}),
  });
  return [...cases, ...malformedCases(), ...route.extra()];
}
