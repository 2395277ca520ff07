import type { Connector } from '../connector.ts';
import { quickbooksConnector } from './quickbooks.ts';
import { sapB1Connector } from './sap-b1.ts';
import { tallyConnector } from './tally.ts';
import { zohoBooksConnector } from './zoho-books.ts';
import { zohoCrmConnector } from './zoho-crm.ts';

/** Every connector, by id: the only list of them. A fifth connector is one file and one line here. */
export const connectors: readonly Connector[] = [
  tallyConnector,
  quickbooksConnector,
  zohoBooksConnector,
  zohoCrmConnector,
  sapB1Connector,
];

export const connectorIds = connectors.map((c) => c.id);

export function connectorById(id: string): Connector | undefined {
  return connectors.find((c) => c.id === id);
}
