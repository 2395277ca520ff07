import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaValidationError } from 'fastify';
import type { FieldError } from './errors.ts';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are taken as sent: a number where a string belongs is an error, not something to coerce.
const bodyAjv = makeAjv({ coerceTypes: false });
// Query strings and path parameters are text on the wire and are coerced to their declared types.
const textAjv = makeAjv({ coerceTypes: 'array' });

export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  return (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
}

/** Ajv's findings as `{path, message}` pairs naming the field, e.g. `managerId: must be a UUID`. */
export function fieldErrors(validation: FastifySchemaValidationError[]): FieldError[] {
  return validation.map((v) => {
    const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') {
      return { path: join(base, String(params.additionalProperty)), message: 'is not a known field' };
    }
    if (v.keyword === 'required') {
      return { path: join(base, String(params.missingProperty)), message: 'is required' };
    }
    if (v.keyword === 'format') {
      const names: Record<string, string> = {
        email: 'an email address',
        uuid: 'a UUID',
        'date-time': 'an ISO-8601 date-time',
      };
      return { path: base, message: `must be ${names[String(params.format)] ?? String(params.format)}` };
    }
    if (v.keyword === 'type') return { path: base || '(body)', message: `must be ${article(String(params.type))}` };
    if (v.keyword === 'enum' || v.keyword === 'anyOf')
      return { path: base, message: 'is not one of the allowed values' };
    return { path: base || '(body)', message: v.message ?? 'is not valid' };
  });
}

function join(base: string, field: string): string {
  return base ? `${base}.${field}` : field;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
