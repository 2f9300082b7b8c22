import type { Metadata } from "next";
import { DashboardSections } from "@/app/_components/dashboard-sections";
import { requirePageSessionWith } from "@/lib/auth/dal";
import { summarizeClaims } from "@/lib/auth/describe";
import { listOrganizationPosts, listOwnPosts } from "@/lib/posts/queries";
import { listSessions } from "@/lib/auth/sessions/list";
import { totpStatus } from "@/lib/auth/second-factor/enrolment";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { mailAvailable } from "@/lib/mail/send";
import { listConnections } from "@/lib/auth/federation/accounts";
import { providerViews } from "@/lib/auth/federation/providers";
import { hasPassword } from "@/lib/auth/ways-in";

export const metadata: Metadata = { title: "Dashboard" };

/** `?connected=` and `?error=` come back from connecting a sign-in provider or disconnecting one. */
export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);
  // At once: the session check (no query when the session cache answers), the personal posts, the sessions list, the two-factor
  // state and the connected accounts; the organization's posts once the check has said which organization the session works in.
  const {
    user,
    claims,
    org,
    data: [personal, sessions, totp, connections, password],
  } = await renderWhenAvailable("/dashboard", () =>
    requirePageSessionWith("/dashboard", ({ userId, sessionId }) =>
      Promise.all([listOwnPosts(userId), listSessions(userId, sessionId), totpStatus(userId, sessionId), listConnections(userId), hasPassword(userId)]),
    ),
  );
  const posts = org ? await renderWhenAvailable("/dashboard", () => listOrganizationPosts(org.id)) : personal;
  // The sections are one client component: it is sent only what it shows.
  return (
    <DashboardSections
      user={{ name: user.name, username: user.username, role: user.role, dob: user.dob, email: user.email, emailVerified: user.emailVerified }}
      org={org && { name: org.name, slug: org.slug, role: org.role }}
      claims={summarizeClaims(claims)}
      posts={posts.map(({ id, note, image, author }) => (org ? { id, note, image, author } : { id, note, image }))}
      hasPassword={password}
      mail={mailAvailable()}
      totp={totp}
      sessions={sessions}
      connections={connections}
      providers={providerViews()}
      outcome={{ connected: text(params.connected), error: text(params.error) }}
    />
  );
}
