import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { ApiError } from "@/lib/edge/errors";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { clientInfo } from "@/lib/http/client-info";
import { verifyEmail } from "@/lib/use-cases/email";

export const metadata: Metadata = { title: "Confirm your email address", referrer: "no-referrer" };

/** Opening the link from the verification mail confirms the address it was sent to, once. */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const client = clientInfo(await headers());
  const here = typeof token === "string" ? `/verify-email?${new URLSearchParams({ token })}` : "/verify-email";
  // During an outage the 503 page comes back here, link and all; a refused link is this page's answer.
  const outcome = await renderWhenAvailable(here, async (): Promise<{ email: string } | { problem: string }> => {
    try {
      return await verifyEmail({ token }, client);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { problem: error.code === "validation_error" ? "This link is incomplete: open the whole link from the mail." : error.message };
    }
  });
  return "email" in outcome ? (
    <>
      <h1>Email address confirmed</h1>
      <p role="status">
        <strong>{outcome.email}</strong> is confirmed. If you ever forget your password, you can reset it with this address.
      </p>
      <p>
        <Link href="/dashboard">Go to your dashboard</Link>
      </p>
    </>
  ) : (
    <>
      <h1>This link no longer works</h1>
      <p>{outcome.problem}</p>
      <p>
        Links to confirm an address work once, for 24 hours. Send a new one from your <Link href="/dashboard">dashboard</Link>.
      </p>
    </>
  );
}
