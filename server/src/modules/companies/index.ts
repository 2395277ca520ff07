/**
 * The public face of the companies module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { createCompany, findCompany, toCompany } from './companies.service.ts';
export { DAY, Dice, HOUR, istDate, MINUTE } from './demo-dice.ts';
export { seedDemoLeads } from './demo-leads.ts';
export { adminContext, insertRows } from './demo-rows.ts';
