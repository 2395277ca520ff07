import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outgoing connection made for a tenant (a webhook delivery, an extractor source) may not reach
 * unless the operator allows it (IPERFORM_ALLOW_PRIVATE_ADDRESSES): loopback, private networks, carrier-grade
 * NAT, link-local (cloud metadata services live at 169.254.169.254 and fd00:ec2::254), unique-local, multicast,
 * reserved and unspecified addresses.
 */
const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  refused.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is one a tenant's connection may not reach. IPv4-mapped IPv6 addresses are judged as IPv4. */
export function isRefusedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return refused.check(mapped[1], 'ipv4');
  const family = isIP(bare);
  if (family === 4) return refused.check(bare, 'ipv4');
  if (family === 6) return refused.check(bare, 'ipv6');
  return true;
}

export class RefusedDestinationError extends Error {
  readonly address: string;
  constructor(host: string, address: string) {
    super(
      `refused: ${host} resolves to ${address}, a loopback, private, link-local or metadata address ` +
        '(IPERFORM_ALLOW_PRIVATE_ADDRESSES allows it)',
    );
    this.name = 'RefusedDestinationError';
    this.address = address;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for an HTTP agent: resolves as usual, then refuses the connection when any address the name
 * resolves to is refused. The check happens at connect time, on the addresses actually connected to, so a
 * name that resolved to a public address when the endpoint was saved cannot later lead inside.
 */
export function guardedLookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isRefusedAddress(a.address));
    if (bad) return callback(new RefusedDestinationError(hostname, bad.address), []);
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    return callback(null, first.address, first.family);
  });
}

/**
 * The address to connect to for `host` (a name or an IP literal), checked: a refused one throws
 * RefusedDestinationError unless `allowPrivate`. Drivers that take a host (MySQL, PostgreSQL) are given this
 * address, so the name is not resolved a second time between the check and the connection.
 */
export async function resolveChecked(host: string, allowPrivate: boolean): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    if (!allowPrivate && isRefusedAddress(bare)) throw new RefusedDestinationError(bare, bare);
    return bare;
  }
  if (allowPrivate) return host;
  return new Promise((resolve, reject) =>
    guardedLookup(bare, {}, (err, address) => (err ? reject(err) : resolve(address as string))),
  );
}
