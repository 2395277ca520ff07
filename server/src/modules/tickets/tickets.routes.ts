import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams } from '../../http/schemas.ts';
import { listCategories, PutTicketCategoriesBody, putCategories, TicketCategoryList } from './tickets.categories.ts';
import { ticketIntakeRoutes } from './tickets.intake.routes.ts';
import * as messages from './tickets.messages.ts';
import { ticketRatingRoutes } from './tickets.rating.routes.ts';
import {
  CreateMessageBody,
  CreateTicketBody,
  ListTicketsQuery,
  Ticket,
  TicketMessage,
  TicketMessageList,
  TicketPage,
  UpdateTicketBody,
} from './tickets.schemas.ts';
import * as service from './tickets.service.ts';

const tags = ['tickets'];
const visibility =
  'Customer success and admins see every ticket; anyone else the tickets of leads they can see, and managers ' +
  'those with no lead too. A ticket you cannot see is 404.';

/** Support tickets and their threads. */
export function ticketsRoutes(app: App, deps: Deps): void {
  ticketRatingRoutes(app, deps);
  ticketIntakeRoutes(app, deps);
  app.post(
    '/tickets',
    {
      config: { permission: 'tickets:write' },
      schema: {
        tags,
        summary: 'Raise a ticket; its reference (T-1001) and SLA due times are set from its priority',
        description: `A lead is required unless you see tickets without one. ${visibility}`,
        body: CreateTicketBody,
        response: { 201: Ticket },
      },
    },
    async (request, reply) => {
      const ticket = await service.createTicket(deps, contextOf(request), request.body);
      return reply.code(201).header('etag', `"${ticket.version}"`).send(ticket);
    },
  );

  app.get(
    '/tickets',
    {
      config: { permission: 'tickets:read' },
      schema: {
        tags,
        summary: 'Tickets you can see, newest first; filters combine with AND',
        description: visibility,
        querystring: ListTicketsQuery,
        response: { 200: TicketPage },
      },
    },
    (request) => service.listTickets(deps, contextOf(request), request.query),
  );

  app.get(
    '/tickets/categories',
    {
      config: { permission: 'tickets:read' },
      schema: {
        tags,
        summary: 'The company’s ticket categories, in order (active and retired)',
        description: 'Empty: a ticket’s category is free text. Otherwise it must be one of the active keys.',
        response: { 200: TicketCategoryList },
      },
    },
    (request) => listCategories(deps, contextOf(request)),
  );

  app.put(
    '/tickets/categories',
    {
      config: { permission: 'forms:manage' },
      schema: {
        tags,
        summary: 'Replace the company’s ticket categories (at most 50): add, rename (label) or retire (active false)',
        description:
          'Keys are unique; a key left out is dropped from the list, and tickets keep the category they have. ' +
          'Audited as `ticket_categories.updated`.',
        body: PutTicketCategoriesBody,
        response: { 200: TicketCategoryList },
      },
    },
    (request) => putCategories(deps, contextOf(request), request.body),
  );

  app.get(
    '/tickets/:id',
    {
      config: { permission: 'tickets:read' },
      schema: { tags, summary: 'One ticket', description: visibility, params: IdParams, response: { 200: Ticket } },
    },
    async (request, reply) => {
      const ticket = await service.getTicket(deps, contextOf(request), request.params.id);
      return reply.header('etag', `"${ticket.version}"`).send(ticket);
    },
  );

  app.patch(
    '/tickets/:id',
    {
      config: { permission: 'tickets:write' },
      schema: {
        tags,
        summary: 'Change a ticket; carries the version read, a stale one answers 409',
        description:
          'Solving (or closing) stops the resolution clock, reopening starts it again; a new priority moves both ' +
          'due times, counted from the creation.',
        params: IdParams,
        body: UpdateTicketBody,
        response: { 200: Ticket },
      },
    },
    async (request, reply) => {
      const ticket = await service.updateTicket(deps, contextOf(request), request.params.id, request.body);
      return reply.header('etag', `"${ticket.version}"`).send(ticket);
    },
  );

  app.get(
    '/tickets/:id/messages',
    {
      config: { permission: 'tickets:read' },
      schema: {
        tags,
        summary: 'The thread of a ticket, oldest first: replies and internal notes',
        params: IdParams,
        response: { 200: TicketMessageList },
      },
    },
    (request) => messages.listMessages(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/tickets/:id/messages',
    {
      config: { permission: 'tickets:write' },
      schema: {
        tags,
        summary: 'Reply to the requester (emailed, with the reference in the subject) or add an internal note',
        description:
          'A public reply is emailed to the requester when the ticket has an address; the first one stops the ' +
          'first-response clock and opens a new ticket. An internal note is never sent.',
        params: IdParams,
        body: CreateMessageBody,
        response: { 201: TicketMessage },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await messages.addMessage(deps, contextOf(request), request.params.id, request.body)),
  );
}
