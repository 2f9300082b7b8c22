/**
 * Who is calling: IP and user agent for sessions, audit events and rate limits.
 * The IP is X-Forwarded-For's first entry. Under `npm start` the production
 * server (server/) writes that header from the socket, unless
 * TRUST_PROXY=1 says the proxy in front sets it (docs/security.md#client-address). The standalone
 * server and `next dev` pass on whatever the client sent: README "Security".
 * The per-IP limit counts by `clientAddressKey`: an IPv6 client by its /64.
 */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function clientInfo(headers: Headers): ClientInfo {
  const ip = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}

/** The four bytes of a dotted-quad IPv4 address, or null. */
function ipv4Bytes(text: string): number[] | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  const bytes = match?.slice(1).map(Number);
  return bytes && bytes.every((byte) => byte <= 255) ? bytes : null;
}

/** The eight 16-bit groups of an IPv6 address (with `::`, a dotted IPv4 tail or a zone id), or null. */
function ipv6Groups(text: string): number[] | null {
  let address = text.split("%")[0]!;
  const tail: number[] = [];
  const dotted = /(?:^|:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (dotted) {
    const bytes = ipv4Bytes(dotted[1]!);
    if (!bytes) return null;
    tail.push(bytes[0]! * 256 + bytes[1]!, bytes[2]! * 256 + bytes[3]!);
    address = address.slice(0, -dotted[1]!.length);
    if (!address.endsWith("::")) address = address.slice(0, -1);
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":").map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN)));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - head.length - rest.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<number>(missing).fill(0), ...rest, ...tail];
  return groups.some(Number.isNaN) ? null : groups;
}

/**
 * Whom the per-IP sign-in limit counts an attempt against. An IPv6 client
 * usually holds a whole /64 (2^64 addresses, and privacy extensions rotate
 * through them on their own), so counting single addresses would let it try
 * without end: every address of one /64 is one client. An IPv4 client reached
 * through a dual-stack socket appears as `::ffff:a.b.c.d` and counts as
 * `a.b.c.d`, so the two spellings cannot be alternated to double the limit.
 * Text that is no IP address at all is counted as it is.
 */
export function clientAddressKey(ip: string | null): string {
  if (!ip) return "unknown";
  const text = ip.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  const v4 = ipv4Bytes(text);
  if (v4) return v4.join(".");
  const groups = ipv6Groups(text);
  if (!groups) return text;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}
