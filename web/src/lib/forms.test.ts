import { describe, expect, it } from 'vitest';
import { placeFormErrors } from './forms';
import { ApiError } from './problem';

const fields = ['email', 'name'] as const;
type Field = (typeof fields)[number];
const isField = (name: string): name is Field => (fields as readonly string[]).includes(name);

function problem(errors?: { path: string; message: string }[]) {
  return new ApiError({ type: 'about:blank', title: 'Invalid', status: 400, code: 'validation_failed', errors });
}

describe('a form’s errors', () => {
  it('puts a field’s message under it, named, and the rest on the form', () => {
    const placed = placeFormErrors(
      problem([
        { path: '/body/email', message: 'is already in use' },
        { path: 'body.email', message: 'second message' },
        { path: 'role', message: 'Not a role' },
      ]),
      isField,
      { email: 'Email' },
    );
    expect(placed).toEqual({
      fieldErrors: { email: 'Email is already in use' },
      formError: 'second message Not a role',
    });
  });

  it('shows a problem without field errors, or any other error, on the form', () => {
    expect(placeFormErrors(problem(), isField)).toEqual({ fieldErrors: {}, formError: 'Invalid' });
    expect(placeFormErrors(new Error('Network down'), isField)).toEqual({ fieldErrors: {}, formError: 'Network down' });
  });
});
