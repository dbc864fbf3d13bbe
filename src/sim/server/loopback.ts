import { isIPv4 } from 'node:net';

/**
 * True for a loopback peer address: `127.0.0.0/8`, `::1`, or either written as an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`, how a dual-stack socket reports an IPv4 peer). Anything else, or no address, is false.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/%.*$/, '');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIPv4(v4) && v4.startsWith('127.');
}
