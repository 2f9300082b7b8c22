"use server";
/** The dashboard's "Sign out" per session and "Sign out everywhere" (SPEC §9). */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { verifySession } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session-cookies";
import { revokeSessions } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { idSchema } from "@/lib/schemas";

export async function signOutSessionAction(form: FormData): Promise<void> {
  const { user, sessionId } = await verifySession();
  const { id } = validate(idSchema, { id: form.get("id") });
  await revokeSessions(user, clientInfo(await headers()), { only: id });
  if (id === sessionId) {
    await clearSessionCookies();
    redirect("/login");
  }
  revalidatePath("/dashboard");
}

export async function signOutEverywhereAction(): Promise<void> {
  const { user } = await verifySession();
  await revokeSessions(user, clientInfo(await headers()));
  await clearSessionCookies();
  redirect("/login");
}
