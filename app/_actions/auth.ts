"use server";
/**
 * Sign-in, registration and sign-out for the HTML forms. They call the same
 * services as the JSON API and work without JavaScript (progressive enhancement).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { register, signIn } from "@/lib/auth/credentials";
import { optionalSession } from "@/lib/auth/dal";
import type { StartedSession } from "@/lib/auth/session";
import { clearSessionCookies, setSessionCookies } from "@/lib/auth/session-cookies";
import { revokeSessions } from "@/lib/auth/session-queries";
import { clientInfo } from "@/lib/http/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { validate } from "@/lib/http/validate";
import { credentialsSchema, registerSchema, safeNextPath } from "@/lib/schemas";

/** Runs a sign-in step; client-facing errors become form state, anything else propagates. */
async function attempt(values: Record<string, string>, step: () => Promise<StartedSession>): Promise<FormState | null> {
  try {
    await setSessionCookies(await step());
    return null;
  } catch (error) {
    return formStateFrom(error, values);
  }
}

export async function loginAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: formText(form, "username"), next: formText(form, "next") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () =>
    signIn(validate(credentialsSchema, { username: values.username, password: formText(form, "password") }), client),
  );
  if (failure) return failure;
  redirect(safeNextPath(values.next));
}

export async function registerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: formText(form, "username"), name: formText(form, "name"), dob: formText(form, "dob") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () =>
    register(validate(registerSchema, { ...values, password: formText(form, "password") }), client),
  );
  if (failure) return failure;
  redirect("/dashboard");
}

export async function signOutAction(): Promise<void> {
  const session = await optionalSession();
  if (session) await revokeSessions(session.user, clientInfo(await headers()), { only: session.sessionId });
  await clearSessionCookies();
  redirect("/login");
}
