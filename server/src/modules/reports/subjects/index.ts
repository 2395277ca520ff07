/** Every subject of the semantic layer, by key. */
import type { Subject } from '../semantic.ts';
import { activitiesSubject } from './activities.ts';
import { customersSubject } from './customers.ts';
import { forecastMonthsSubject } from './forecast-months.ts';
import { leadsSubject } from './leads.ts';
import { emailsSubject, whatsappSubject } from './messages.ts';
import { assignmentsSubject, duplicatesSubject, importsSubject, loginsSubject, mergesSubject } from './people.ts';
import { recommendationsSubject } from './recommendations.ts';
import { pipelineAsOfSubject, stageMovesSubject } from './stage-moves.ts';
import { ticketsSubject } from './tickets.ts';

export const subjects: Record<string, Subject> = Object.fromEntries(
  [
    leadsSubject,
    stageMovesSubject,
    pipelineAsOfSubject,
    activitiesSubject,
    emailsSubject,
    whatsappSubject,
    loginsSubject,
    assignmentsSubject,
    mergesSubject,
    duplicatesSubject,
    importsSubject,
    customersSubject,
    recommendationsSubject,
    forecastMonthsSubject,
    ticketsSubject,
  ].map((s) => [s.key, s]),
);
