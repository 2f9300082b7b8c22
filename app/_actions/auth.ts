"use server";
/**
 * Sign-in, registration and sign-out for the HTML forms. They call the same
 * use cases as the JSON API and work without JavaScript (progressive enhancement).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientInfo } from "@/lib/http/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { safeNextPath } from "@/lib/schemas";
import { register } from "@/lib/use-cases/register";
import { signOut } from "@/lib/use-cases/sessions";
import { signIn } from "@/lib/use-cases/sign-in";

/** Runs a sign-in step; client-facing errors become form state (without the password), anything else propagates. */
async function attempt(values: Record<string, string>, step: () => Promise<unknown>): Promise<FormState | null> {
  try {
    await step();
    return null;
  } catch (error) {
    return formStateFrom(error, values);
  }
}

export async function loginAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: formText(form, "username"), next: formText(form, "next") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () => signIn({ username: values.username, password: formText(form, "password") }, client));
  if (failure) return failure;
  redirect(safeNextPath(values.next));
}

export async function registerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: formText(form, "username"), name: formText(form, "name"), dob: formText(form, "dob") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () => register({ ...values, password: formText(form, "password") }, client));
  if (failure) return failure;
  redirect("/dashboard");
}

export async function signOutAction(): Promise<void> {
  await signOut(clientInfo(await headers()));
  redirect("/login");
}
