import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, NoContent, Page } from '../../http/schemas.ts';
import * as notes from './notes.service.ts';
import { Note, NoteBody, NoteParams, PageQuery, TimelineQuery } from './timeline.schemas.ts';
import { leadTimeline, timelineEntrySchema } from './timeline.service.ts';

const tags = ['leads'];

/** Notes on leads and the lead timeline. */
export function timelineRoutes(app: App, deps: Deps): void {
  app.get(
    '/leads/:id/notes',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: "A lead's notes, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(Note) },
      },
    },
    (request) =>
      notes.listNotes(deps, contextOf(request), request.params.id, {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
  );

  app.post(
    '/leads/:id/notes',
    {
      config: { permission: 'leads:write' },
      schema: {
        tags,
        summary: 'Add a note to a lead; each `@[Name](userId)` mention notifies that colleague',
        params: IdParams,
        body: NoteBody,
        response: { 201: Note },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await notes.addNote(deps, contextOf(request), request.params.id, request.body.body)),
  );

  app.patch(
    '/leads/:id/notes/:noteId',
    {
      config: { permission: 'leads:write' },
      schema: {
        tags,
        summary: 'Change a note (its author or an admin); people newly mentioned are notified',
        params: NoteParams,
        body: NoteBody,
        response: { 200: Note },
      },
    },
    (request) =>
      notes.updateNote(deps, contextOf(request), request.params.id, request.params.noteId, request.body.body),
  );

  app.delete(
    '/leads/:id/notes/:noteId',
    {
      config: { permission: 'leads:write' },
      schema: {
        tags,
        summary: 'Delete a note (its author or an admin)',
        params: NoteParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await notes.deleteNote(deps, contextOf(request), request.params.id, request.params.noteId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/leads/:id/timeline',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary:
          "A lead's history, newest first: notes, stage moves, assignments and their why, field changes, creation",
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: Page(timelineEntrySchema()) },
      },
    },
    (request) =>
      leadTimeline(deps, contextOf(request), request.params.id, {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
  );
}
