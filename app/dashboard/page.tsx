import type { Metadata } from "next";
import { DashboardSections } from "@/app/_components/dashboard-sections";
import { requirePageSessionWith } from "@/lib/auth/dal";
import { summarizeClaims } from "@/lib/auth/describe";
import { providerViews } from "@/lib/auth/federation/providers";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { mailAvailable } from "@/lib/mail/send";
import { dashboardData, dashboardPosts } from "@/lib/use-cases/dashboard";

export const metadata: Metadata = { title: "Dashboard" };

/** `?connected=` and `?error=` come back from connecting a sign-in provider or disconnecting one. */
export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);
  // At once: the session check (no query when the session cache answers) and the page's data (one statement, with the posts of
  // the organization the token claims); the posts again only if the check says the session works in another organization, or none.
  const { user, claims, org, data } = await renderWhenAvailable("/dashboard", async () => {
    const session = await requirePageSessionWith("/dashboard", dashboardData);
    return { ...session, data: { ...session.data, posts: await dashboardPosts(session.data, session.user.id, session.org) } };
  });
  // The sections are one client component: it is sent only what it shows.
  return (
    <DashboardSections
      user={{ name: user.name, username: user.username, role: user.role, dob: user.dob, email: user.email, emailVerified: user.emailVerified }}
      org={org && { name: org.name, slug: org.slug, role: org.role }}
      claims={summarizeClaims(claims)}
      posts={data.posts.map(({ id, note, image, author }) => (org ? { id, note, image, author } : { id, note, image }))}
      hasPassword={data.hasPassword}
      mail={mailAvailable()}
      totp={data.totp}
      sessions={data.sessions}
      connections={data.connections}
      providers={providerViews()}
      outcome={{ connected: text(params.connected), error: text(params.error) }}
    />
  );
}
