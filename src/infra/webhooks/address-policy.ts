import ipaddr from 'ipaddr.js'

/**
 * Which addresses a webhook may be sent to. Only public unicast addresses: loopback (unless allowed, for
 * tests and local development), private, carrier-grade NAT, link-local (169.254.169.254, the cloud metadata
 * service, among them), unique-local (fd00:ec2::254 too), multicast, unspecified and reserved ranges are
 * refused, and an IPv4 address written as IPv6 (`::ffff:127.0.0.1`, `::127.0.0.1`) is judged as the IPv4
 * address it is.
 */
export function addressRefusal(address: string, allowLoopback: boolean): string | undefined {
  const refused = refusedAddress(address, allowLoopback)
  if (!refused) return undefined
  return refused.range === null
    ? `"${refused.address}" is not an IP address`
    : `${refused.address} is a ${refused.range} address`
}

/**
 * Why an address is refused, as data: the address as ipaddr writes it and its range, or a null range for
 * one that is not an IP address at all. Undefined when it is allowed.
 */
export function refusedAddress(
  address: string,
  allowLoopback: boolean,
): { address: string; range: string | null } | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.process(address)
  } catch {
    return { address, range: null }
  }
  // IPv4-compatible IPv6 (`::a.b.c.d`, deprecated) is not in ipaddr's ranges: read it as its IPv4 address.
  if (parsed.kind() === 'ipv6') {
    const parts = (parsed as ipaddr.IPv6).parts
    if (parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1)) {
      const bytes = (parsed as ipaddr.IPv6).toByteArray().slice(12)
      parsed = ipaddr.fromByteArray(bytes)
    }
  }
  const range = parsed.range()
  if (range === 'unicast') return undefined
  if (range === 'loopback' && allowLoopback) return undefined
  return { address: parsed.toString(), range }
}

/** Whether an address is loopback (127.0.0.0/8, ::1, or one of them written as IPv6). */
export const isLoopback = (address: string) =>
  addressRefusal(address, false) !== undefined && addressRefusal(address, true) === undefined
