"use server";
/** The dashboard's "Sign out" per session and "Sign out everywhere". */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { ApiError } from "@/lib/errors";
import { clientInfo } from "@/lib/request/client-info";
import { endAllSessions, endSession } from "@/lib/use-cases/sessions";

export async function signOutSessionAction(form: FormData): Promise<void> {
  // A session that ended since the page was drawn just drops off the list.
  const { current } = await endSession({ id: form.get("id") }, clientInfo(await headers())).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "not_found") return { current: false };
    throw error;
  });
  if (current) redirect("/login");
  revalidatePath("/dashboard");
}

export async function signOutEverywhereAction(): Promise<void> {
  await endAllSessions(clientInfo(await headers()));
  redirect("/login");
}
