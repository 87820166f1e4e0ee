// Where a budget webhook may be sent when private targets are refused: the operator's setting
// (allowPrivateWebhooks / BYTEMETER_WEBHOOK_ALLOW_PRIVATE=false), or the budget's own flag, stored when a
// process with that setting set it (see webhook-restriction.ts). A budget set through the API could otherwise
// make a server POST into its own network.
//
// Checked three times: when a budget is set (the URL's literal host, and what its name resolves to then), and
// when each delivery connects: the name is resolved once, by the connection's own `lookup` (guardedLookup), so
// the address checked is the address connected to (a name that resolves to a public address for the check
// and to 127.0.0.1 for the connection, DNS rebinding, gets nowhere).

import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '../errors.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/**
 * Resolves a webhook's host name to every address it has (default: the system resolver, as node:dns
 * `lookup` with `all: true`). Every address is checked when private targets are refused.
 */
export type WebhookLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: WebhookLookup = (hostname) => dnsLookup(hostname, { all: true });

// Not globally reachable IPv4 (IANA special-purpose registry): "this network", RFC 1918, CGNAT, loopback,
// link-local, IETF protocol assignments, the documentation and benchmarking nets, multicast, reserved and
// broadcast.
const V4 = new BlockList();
for (const [net, bits] of [
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
  V4.addSubnet(net, bits, 'ipv4');
}

// IPv6 ranges that are not globally reachable and carry no IPv4 address to judge instead: the discard
// prefix, NAT64 for local use (RFC 8215), Teredo (the client's address is obfuscated in it), documentation,
// unique local (fc00::/7), link-local, the old site-local, multicast.
const V6 = new BlockList();
for (const [net, bits] of [
  ['100::', 64],
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  V6.addSubnet(net, bits, 'ipv6');
}

/** The eight 16-bit words of a valid IPv6 address (a zone id dropped), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (s: string) => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  const gap = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (gap < 0) return null;
  const all = [...head, ...new Array<number>(gap).fill(0), ...tail];
  return all.length === 8 && all.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? all : null;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * The IPv4 address an IPv6 address stands for, reaching it through the IPv4 network or a translator:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated; :: and ::1 included, as 0.0.0.0
 * and 0.0.0.1), IPv4-translated (::ffff:0:a.b.c.d), NAT64's well-known prefix (64:ff9b::a.b.c.d) and 6to4
 * (2002:AABB:CCDD::). Null for any other.
 */
function embeddedIpv4(w: readonly number[]): string | null {
  const zero = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && (w[5] === 0xffff || w[5] === 0)) return v4Of(w[6]!, w[7]!);
  if (zero(0, 4) && w[4] === 0xffff && w[5] === 0) return v4Of(w[6]!, w[7]!);
  if (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6)) return v4Of(w[6]!, w[7]!);
  if (w[0] === 0x2002) return v4Of(w[1]!, w[2]!);
  return null;
}

/**
 * Whether an IP address is not a public one: loopback, private (RFC 1918, ULA), CGNAT, link-local,
 * unspecified, multicast, reserved or documentation, IPv6 forms that carry such an IPv4 address (mapped,
 * compatible, NAT64, 6to4) included. Not an IP address at all: false.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return V4.check(address, 'ipv4');
  if (family !== 6) return false;
  const words = ipv6Words(address.toLowerCase());
  // isIP accepted what this parser does not: refuse rather than guess.
  if (words === null) return true;
  const v4 = embeddedIpv4(words);
  if (v4 !== null) return V4.check(v4, 'ipv4');
  return V6.check(address.replace(/%.*$/, ''), 'ipv6');
}

/** A URL's host as connected to: no brackets, lower case, no trailing dot ("localhost." is localhost). */
function hostOf(url: string): string {
  return new URL(url).hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '');
}

/** Why a URL's host is refused as written (a private IP address, or localhost), or null. */
export function literalTargetReason(url: string): string | null {
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback host name`;
  if (isIP(host) && isPrivateAddress(host)) return `${host} is a loopback, private or reserved address`;
  return null;
}

const refusedAddress = (host: string, address: string) =>
  `${host} resolves to ${address}, a loopback, private or reserved address`;

/**
 * Refuses (INVALID_BUDGET) a webhook URL whose host is a private address or localhost, or a name that
 * resolves to one now. A name that does not resolve (yet), or not within `timeoutMs`, is accepted: every
 * delivery checks again what it connects to.
 */
export async function assertPublicWebhookUrl(url: string, lookup: WebhookLookup, timeoutMs: number): Promise<void> {
  let reason = literalTargetReason(url);
  const host = hostOf(url);
  if (reason === null && !isIP(host)) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const addresses = await Promise.race([lookup(host).catch(() => null), late]).finally(() => clearTimeout(timer));
    const bad = addresses?.find((a) => isPrivateAddress(a.address));
    if (bad) reason = refusedAddress(host, bad.address);
  }
  if (reason !== null) {
    throw new ValidationError(
      'INVALID_BUDGET',
      `webhookUrl refused: ${reason}, which this server does not POST to (allowPrivateWebhooks / BYTEMETER_WEBHOOK_ALLOW_PRIVATE=false).`,
      'webhookUrl',
    );
  }
}

/** A delivery refused because its target is private: final, no retry can help. */
export class PrivateTargetError extends Error {
  override readonly name = 'PrivateTargetError';
}

/**
 * The `lookup` of a webhook connection: resolves the host once with `resolve`, and when `refusePrivate`
 * fails the connection if any address it resolves to is private. The socket then connects to an address
 * from this very answer, so the check holds for the connection made. (A literal IP host is never looked
 * up: check it with literalTargetReason first.)
 */
export function connectionLookup(resolve: WebhookLookup, refusePrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    resolve(hostname).then(
      (all) => {
        const bad = refusePrivate ? all.find((a) => isPrivateAddress(a.address)) : undefined;
        if (bad) {
          callback(new PrivateTargetError(refusedAddress(hostname, bad.address)), '', 0);
          return;
        }
        const addresses = all.filter((a) => !wanted || a.family === wanted).map((a) => ({ ...a }));
        const first = addresses[0];
        if (first === undefined) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '', 0);
        } else if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
