"use server";
/** The dashboard's "Disconnect" per connected account. */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { ApiError } from "@/lib/errors";
import { withStepUp } from "@/lib/http/step-up";
import { clientInfo } from "@/lib/request/client-info";
import { disconnectMine } from "@/lib/use-cases/federated-sign-in";

export async function disconnectAction(form: FormData): Promise<void> {
  const client = clientInfo(await headers());
  try {
    await withStepUp("/dashboard#connected-accounts", () => disconnectMine({ id: form.get("id") }, client));
  } catch (error) {
    if (error instanceof ApiError && error.code === "conflict") redirect("/dashboard?error=last_way_in#connected-accounts");
    // One that is gone already just drops off the list.
    if (!(error instanceof ApiError && error.code === "not_found")) throw error;
  }
  revalidatePath("/dashboard");
}
