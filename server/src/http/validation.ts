import { isUtf8 } from 'node:buffer';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { AppError, type FieldError } from './errors.ts';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    // Errors carry the schema that failed, so that "ids or filter" rules can name their fields.
    verbose: true,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are taken as sent: a number where a string belongs is an error, not something to coerce.
const bodyAjv = makeAjv({ coerceTypes: false });
// Query strings and path parameters are text on the wire and are coerced to their declared types.
const textAjv = makeAjv({ coerceTypes: 'array' });

/**
 * Text PostgreSQL cannot store (a NUL character) or that is not Unicode at all (a UTF-16 surrogate without its
 * pair, which `\ud800` in JSON produces). Refused everywhere, before any schema or handler sees it.
 */
const MALFORMED_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MALFORMED_MESSAGE = 'must not contain a NUL character or an unpaired UTF-16 surrogate';
const MAX_REPORTED = 20;

/**
 * Every string, and every object key, in `data` that holds malformed text, as Ajv-style errors. `skip` names
 * top-level fields left to a later check (the items of a batch, each checked and answered on its own).
 */
export function malformedText(data: unknown, skip: readonly string[] = []): FastifySchemaValidationError[] {
  const found: FastifySchemaValidationError[] = [];
  // Iterative, not recursive: a 1 MiB body can nest hundreds of thousands of levels deep.
  const stack: { value: unknown; pointer: string; top: boolean }[] = [{ value: data, pointer: '', top: true }];
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const { value, pointer, top } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      if (MALFORMED_TEXT.test(value)) found.push(textError(pointer, MALFORMED_MESSAGE));
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], pointer: `${pointer}/${i}`, top: false });
      continue;
    }
    // Only data a parser made: plain objects (JSON; query strings and path parameters, whose objects have a
    // prototype-less prototype), not buffers, streams or dates.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && Object.getPrototypeOf(proto) !== null) continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i] as [string, unknown];
      if (MALFORMED_TEXT.test(key)) {
        found.push(textError(pointer, `has a field name that ${MALFORMED_MESSAGE}`));
        continue;
      }
      if (top && skip.includes(key)) continue;
      stack.push({ value: item, pointer: `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, top: false });
    }
  }
  return found;
}

function textError(instancePath: string, message: string): FastifySchemaValidationError {
  return { keyword: 'wellFormedText', instancePath, schemaPath: '#', params: {}, message };
}

/**
 * Every part a route declares (body, query string, path parameters, headers) is first checked for malformed
 * text, then validated by Ajv: one place for every route, and for the few handlers that validate by hand.
 */
export function validatorCompiler(
  { schema, httpPart }: { schema: object; httpPart?: string },
  options: { textCheckedLater?: readonly string[] } = {},
) {
  const validate = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
  const checked = ((data: unknown) => {
    const malformed = malformedText(data, options.textCheckedLater);
    if (malformed.length > 0) {
      checked.errors = malformed;
      return false;
    }
    const valid = validate(data);
    checked.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return checked;
}

/**
 * The request-wide check, the first onRequest hook: path parameters, the query string and every header are
 * checked for malformed text as soon as the route is known, before authentication, a route's own hooks (a limiter
 * keyed by a path parameter) or validation use them. Bodies, parsed later, are checked by their validator
 * (above), so that a batch can answer a bad item on its own.
 */
export async function rejectMalformedText(request: FastifyRequest): Promise<void> {
  for (const [part, data] of [
    ['path', request.params],
    ['querystring', request.query],
    ['headers', request.headers],
  ] as const) {
    const malformed = malformedText(data);
    if (malformed.length === 0) continue;
    const errors = fieldErrors(malformed, part);
    const detail = `The ${part} is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
    throw new AppError('validation_failed', detail, { errors });
  }
}

/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), but only when they are UTF-8 (RFC 8259):
 * other bytes would be read as U+FFFD and stored as such; they are a 400 `malformed_json` instead.
 */
export function strictJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (typeof body !== 'string' && !isUtf8(body)) {
      done(new AppError('malformed_json', 'The body is not valid UTF-8 text'), undefined);
      return;
    }
    parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
}

/** Ajv's findings as `{path, message}` pairs naming the field, e.g. `managerId: must be a UUID`. */
export function fieldErrors(validation: FastifySchemaValidationError[], context?: string): FieldError[] {
  const exclusive = exclusiveGroups(validation);
  const errors = validation.flatMap((v): FieldError[] => {
    const base = pathOf(v.instancePath);
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') {
      return [{ path: join(base, String(params.additionalProperty)), message: 'is not a known field' }];
    }
    if (v.keyword === 'required') {
      // A field missing from an "exactly one of" rule is reported once, by that rule.
      if (exclusive.get(base)?.has(String(params.missingProperty))) return [];
      return [{ path: join(base, String(params.missingProperty)), message: 'is required' }];
    }
    const rule = v.keyword === 'oneOf' || v.keyword === 'not' ? requiredOnly(schemaOf(v), v.keyword) : null;
    if (rule) {
      const message = `send ${v.keyword === 'oneOf' ? 'exactly' : 'at most'} one of ${rule.join(', ')}`;
      return rule.map((name) => ({ path: join(base, name), message }));
    }
    if (v.keyword === 'format') {
      const names: Record<string, string> = {
        email: 'an email address',
        uuid: 'a UUID',
        'date-time': 'an ISO-8601 date-time',
      };
      return [{ path: base, message: `must be ${names[String(params.format)] ?? String(params.format)}` }];
    }
    if (v.keyword === 'type') return [{ path: base || '(body)', message: `must be ${article(String(params.type))}` }];
    if (v.keyword === 'enum' || v.keyword === 'anyOf')
      return [{ path: base, message: 'is not one of the allowed values' }];
    return [{ path: base || '(body)', message: v.message ?? 'is not valid' }];
  });
  // Headers are named as they are written (`Idempotency-Key`), not as Node lower-cases them.
  return context === 'headers' ? errors.map((e) => ({ ...e, path: headerName(e.path) })) : errors;
}

/** `/fields/0/name` as `fields.0.name`. */
function pathOf(instancePath: string): string {
  return instancePath
    .replace(/^\//, '')
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

/**
 * The field names of a rule made only of `required` lists: `oneOf: [{required: [a]}, {required: [b]}]` (exactly
 * one of a, b) or `not: {required: [a, b]}` (not both).
 */
function requiredOnly(schema: unknown, keyword: string): string[] | null {
  const branches = keyword === 'oneOf' ? schema : [schema];
  if (!Array.isArray(branches)) return null;
  const names: string[] = [];
  for (const branch of branches) {
    const keys = Object.keys(branch ?? {});
    const required = (branch as { required?: unknown }).required;
    if (keys.length !== 1 || !Array.isArray(required)) return null;
    names.push(...required.map(String));
  }
  return names;
}

/** Per object path, the fields of its failed "exactly one of" rules. */
function exclusiveGroups(validation: FastifySchemaValidationError[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const v of validation) {
    if (v.keyword !== 'oneOf') continue;
    const names = requiredOnly(schemaOf(v), v.keyword);
    if (names) groups.set(pathOf(v.instancePath), new Set(names));
  }
  return groups;
}

/** The failing schema, which Ajv adds to each error in verbose mode. */
function schemaOf(error: FastifySchemaValidationError): unknown {
  return (error as { schema?: unknown }).schema;
}

function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

function join(base: string, field: string): string {
  return base ? `${base}.${field}` : field;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
