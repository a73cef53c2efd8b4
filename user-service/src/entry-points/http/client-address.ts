import { isIP } from 'node:net';
import type { Context } from 'koa';
import ipaddr from 'ipaddr.js';

/** One IPv6 host commonly holds a whole /64: counting its addresses apart would let it rotate through them. */
const IPV6_CLIENT_PREFIX = 64;

/** An address as sign-in attempts are counted by: IPv4 as is (also when IPv4-mapped), IPv6 by its /64, no zone. */
export function clientKey(address: string | undefined): string | undefined {
  const bare = address?.split('%')[0];
  if (!bare || !isIP(bare)) return undefined;
  // process(): an IPv4-mapped IPv6 address comes back as the IPv4 one.
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${bare}/${IPV6_CLIENT_PREFIX}`).toString()}/${IPV6_CLIENT_PREFIX}`;
}

/**
 * The client sign-in attempts are counted by: as the ingress saw it (the kit trusts one proxy hop of
 * X-Forwarded-For), or the socket's peer when that is not an address.
 */
export const clientAddress = (ctx: Context): string => clientKey(ctx.ip) ?? clientKey(ctx.socket.remoteAddress) ?? 'unknown';
