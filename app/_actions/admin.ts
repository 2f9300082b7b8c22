"use server";
/** The admin page's forms: create a user, delete a user, end a user's sessions. ADMIN is checked against the database each time. */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { requireAdmin } from "@/lib/auth/dal";
import { clearSessionCookies } from "@/lib/auth/session-cookies";
import { endAllSessionsOf } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { validate } from "@/lib/http/validate";
import { createUserSchema, idSchema } from "@/lib/schemas";
import { createUser, deleteUser } from "@/lib/users/queries";

export async function createUserAction(_previous: FormState, form: FormData): Promise<FormState> {
  await requireAdmin();
  const values = { username: formText(form, "new-username"), name: formText(form, "new-name"), dob: formText(form, "new-dob") };
  const password = formText(form, "new-password");
  try {
    const user = await createUser(validate(createUserSchema, { ...values, password: password || undefined }));
    revalidatePath("/admin");
    return { message: `Created ${user.username}.`, values: {} };
  } catch (error) {
    return formStateFrom(error, values);
  }
}

export async function deleteUserAction(form: FormData): Promise<void> {
  await requireAdmin();
  await deleteUser(validate(idSchema, { id: form.get("id") }).id);
  revalidatePath("/admin");
}

export async function endSessionsAction(form: FormData): Promise<void> {
  const { user } = await requireAdmin();
  const { id } = validate(idSchema, { id: form.get("id") });
  await endAllSessionsOf(id, user, clientInfo(await headers()));
  if (id === user.id) {
    await clearSessionCookies();
    redirect("/login");
  }
  revalidatePath("/admin");
}
