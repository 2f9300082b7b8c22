"use server";
/**
 * Sign-in, registration and sign-out for the HTML forms. They call the same
 * services as the JSON API and work without JavaScript (progressive enhancement).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { register, signIn } from "@/lib/auth/credentials";
import { optionalSession } from "@/lib/auth/dal";
import { clearSessionCookie, revokeSession, setSessionCookie, type StartedSession } from "@/lib/auth/session";
import { clientInfo } from "@/lib/http/client-info";
import { ApiError, type FieldErrors } from "@/lib/http/errors";
import { validate } from "@/lib/http/validate";
import { credentialsSchema, registerSchema, safeNextPath } from "@/lib/schemas";

export interface FormState {
  message?: string;
  fields?: FieldErrors;
  /** What the user typed, to refill the form; never the password. */
  values?: Record<string, string>;
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** Runs a sign-in step; client-facing errors become form state, anything else propagates. */
async function attempt(values: Record<string, string>, step: () => Promise<StartedSession>): Promise<FormState | null> {
  try {
    await setSessionCookie((await step()).token);
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      return { message: error.message, fields: error.options.fields, values };
    }
    throw error;
  }
}

export async function loginAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: text(form, "username"), next: text(form, "next") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () =>
    signIn(validate(credentialsSchema, { username: values.username, password: text(form, "password") }), client),
  );
  if (failure) return failure;
  redirect(safeNextPath(values.next));
}

export async function registerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { username: text(form, "username"), name: text(form, "name"), dob: text(form, "dob") };
  const client = clientInfo(await headers());
  const failure = await attempt(values, () =>
    register(validate(registerSchema, { ...values, password: text(form, "password") }), client),
  );
  if (failure) return failure;
  redirect("/dashboard");
}

export async function signOutAction(): Promise<void> {
  const session = await optionalSession();
  if (session) await revokeSession(session.sessionId, session.user, clientInfo(await headers()));
  await clearSessionCookie();
  redirect("/login");
}
