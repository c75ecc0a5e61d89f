/**
 * The sandbox's promise to stay on this machine (docs/sandbox.md): webhooks go only to
 * localhost, 127.0.0.0/8 or [::1]. The API checks an endpoint's URL when it is saved; the
 * delivery worker checks it again and connects only to loopback addresses, so an endpoint that
 * got into the store another way, or a name that resolves elsewhere, still gets nothing.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export const THIS_MACHINE = 'localhost, 127.0.0.0/8 or [::1]';
/** The error code of a name that resolves off this machine. */
export const NOT_LOOPBACK = 'ENOTLOOPBACK';

// BlockList also matches the IPv4-mapped spelling (::ffff:127.0.0.1): the same addresses.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether a parsed URL's host is this machine. The WHATWG parser has already normalised the
 * spellings that hide a host: case, `127.1`, `0x7f000001`, `[0:0:0:0:0:0:0:1]`, and userinfo
 * (`127.0.0.1@example.com` is example.com). Only the name `localhost` itself counts, with or
 * without its root dot: a subdomain of it can resolve anywhere.
 */
export function isThisMachine(url: URL): boolean {
  const host = url.hostname;
  if (host === 'localhost' || host === 'localhost.') return true;
  return isLoopbackAddress(host.replace(/^\[(.*)\]$/, '$1'));
}

/**
 * A resolver for node:http that answers only loopback addresses: `localhost` is looked up like
 * any name, and a hosts file or resolver that maps it elsewhere must not take a delivery along.
 */
export function loopbackOnly(lookup: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address)
        ? address.map((a: LookupAddress) => a.address)
        : [address];
      const elsewhere = addresses.find((a) => !isLoopbackAddress(a));
      if (elsewhere === undefined) return callback(null, address, family);
      const refused: NodeJS.ErrnoException = new Error(
        `${hostname} resolved to ${elsewhere}, which is not on this machine`,
      );
      refused.code = NOT_LOOPBACK;
      callback(refused, '', undefined);
    });
  };
}
