"use server";
/**
 * The admin page's forms: create a user, delete a user, end a user's
 * sessions, turn a user's two-factor sign-in off. ADMIN is checked against the
 * database each time; deleting and turning TOTP off need a recent sign-in
 * (/reauth and back).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { clientInfo } from "@/lib/request/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { withStepUp } from "@/lib/http/step-up";
import { endUserSessions } from "@/lib/use-cases/sessions";
import { disableTotpOf } from "@/lib/use-cases/totp";
import { createUser, deleteUser } from "@/lib/use-cases/users";

export async function createUserAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: formText(form, "new-username"), name: formText(form, "new-name"), dob: formText(form, "new-dob") };
  const password = formText(form, "new-password");
  try {
    const user = await createUser({ ...values, password: password || undefined });
    revalidatePath("/admin");
    return { message: `Created ${user.username}.`, values: {} };
  } catch (error) {
    return formStateFrom(error, values);
  }
}

export async function deleteUserAction(form: FormData): Promise<void> {
  await withStepUp("/admin", () => deleteUser({ id: form.get("id") }));
  revalidatePath("/admin");
}

export async function disableTotpOfAction(form: FormData): Promise<void> {
  const client = clientInfo(await headers());
  await withStepUp("/admin", () => disableTotpOf({ id: form.get("id") }, client));
  revalidatePath("/admin");
}

export async function endSessionsAction(form: FormData): Promise<void> {
  const { self } = await endUserSessions({ id: form.get("id") }, clientInfo(await headers()));
  if (self) redirect("/login");
  revalidatePath("/admin");
}
