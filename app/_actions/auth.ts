"use server";
/**
 * Sign-in (both steps), re-authentication, registration and sign-out for the
 * HTML forms. They call the same use cases as the JSON API and work without
 * JavaScript (progressive enhancement).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientInfo } from "@/lib/request/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { ApiError } from "@/lib/errors";
import { secondStepPath } from "@/lib/edge/paths";
import { safeNextPath } from "@/lib/next-path";
import { reauthenticate } from "@/lib/use-cases/reauth";
import { register } from "@/lib/use-cases/register";
import { signOut } from "@/lib/use-cases/sessions";
import { completeSignInWithCode, signIn } from "@/lib/use-cases/sign-in";

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
  let secondStep = false;
  const failure = await attempt(values, () =>
    signIn({ username: values.username, password: formText(form, "password") }, client).catch((error: unknown) => {
      // The password was right; the pending sign-in's cookie is set, and its second step has a page of its own.
      if (!(error instanceof ApiError && error.code === "mfa_required")) throw error;
      secondStep = true;
    }),
  );
  if (failure) return failure;
  redirect(secondStep ? secondStepPath(safeNextPath(values.next)) : safeNextPath(values.next));
}

/** The second step of signing in: a code from the authenticator app, or a backup code. */
export async function secondFactorAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { next: formText(form, "next") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () => completeSignInWithCode({ code: formText(form, "code"), backupCode: formText(form, "backupCode") }, client));
  if (failure) return failure;
  redirect(safeNextPath(values.next));
}

/** Confirms who you are before a sensitive change (password, or a code with TOTP on), then goes back to `next`. */
export async function reauthAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { next: formText(form, "next") };
  const client = clientInfo(await headers());
  const input = { password: formText(form, "password"), code: formText(form, "code"), backupCode: formText(form, "backupCode") };
  const failure = await attempt(values, () => reauthenticate(input, client));
  if (failure) return failure;
  redirect(safeNextPath(values.next));
}

export async function registerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: formText(form, "username"), name: formText(form, "name"), dob: formText(form, "dob"), email: formText(form, "email") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () => register({ ...values, password: formText(form, "password") }, client));
  if (failure) return failure;
  redirect("/dashboard");
}

/** The header's "Sign out", on every page: during a database outage the 503 page says the user is still signed in. */
export async function signOutAction(): Promise<void> {
  const client = clientInfo(await headers());
  await renderWhenAvailable("/", () => signOut(client));
  redirect("/login");
}
