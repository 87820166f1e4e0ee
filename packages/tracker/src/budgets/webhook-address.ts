// The operator's setting that refuses webhooks to loopback, private and link-local addresses (a budget set
// through the API could otherwise make the server POST into its own network). Checked when a budget is set
// (literal addresses and localhost) and again when each delivery resolves the host name.

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../errors.js';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** Whether an IP address is loopback, private (RFC 1918, ULA, CGNAT), link-local or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped IPv6 address is the IPv4 address it maps.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

const hostOf = (url: string): string => new URL(url).hostname.replace(/^\[|\]$/g, '');

/** Refuses a webhook URL whose host is literally a private address or localhost (INVALID_BUDGET). */
export function assertPublicWebhookUrl(url: string): void {
  const host = hostOf(url).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
    throw new ValidationError(
      'INVALID_BUDGET',
      `webhookUrl points at a loopback or private address (${host}), which this server refuses (allowPrivateWebhooks / BYTEMETER_WEBHOOK_ALLOW_PRIVATE=false).`,
      'webhookUrl',
    );
  }
}

/** Why a delivery to `url` is refused under the setting (its host resolves to a private address), or null. */
export async function privateTargetReason(url: string): Promise<string | null> {
  try {
    assertPublicWebhookUrl(url);
  } catch (error) {
    return (error as Error).message;
  }
  const host = hostOf(url);
  if (isIP(host)) return null;
  const addresses = await lookup(host, { all: true });
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? `${host} resolves to ${bad.address}, a private address this server refuses to POST to.` : null;
}
