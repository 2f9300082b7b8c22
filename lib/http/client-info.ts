/**
 * Who is calling: IP and user agent for sessions, audit events and rate limits.
 * `X-Forwarded-For` is believed only with TRUST_PROXY=1 (SPEC §8); otherwise
 * the address Next.js recorded from the socket is used.
 */
import { config } from "@/lib/config";

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function clientInfo(headers: Headers): ClientInfo {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  // Next.js fills X-Forwarded-For from the socket when the client sent none;
  // without a trusted proxy only the entry nearest to us is meaningful.
  const ip = (config().trustProxy ? forwarded[0] : forwarded.at(-1)) ?? null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
