/**
 * Who is calling: IP and user agent for sessions, audit events and rate limits.
 * The IP is X-Forwarded-For's first entry. Under `npm start` the production
 * server (scripts/server/) writes that header from the socket, unless
 * TRUST_PROXY=1 says the proxy in front sets it (SPEC §8). The standalone
 * server and `next dev` pass on whatever the client sent: README "Security".
 */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function clientInfo(headers: Headers): ClientInfo {
  const ip = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
