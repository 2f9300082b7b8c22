"use server";
/**
 * Getting back in and confirming an address, for the HTML forms: "forgot
 * password", the reset link's form, and an ADMIN's reset link to hand out.
 * They call the same use cases as the JSON API and work without JavaScript.
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientInfo } from "@/lib/request/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { withStepUp } from "@/lib/http/step-up";
import { verifyEmail } from "@/lib/use-cases/email";
import { FORGOT_PASSWORD_ANSWER, issueResetLink, requestPasswordReset, resetPassword, type ResetLink } from "@/lib/use-cases/recovery";

export async function forgotPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { account: formText(form, "account") };
  try {
    await requestPasswordReset(values, clientInfo(await headers()));
    return { done: true, message: FORGOT_PASSWORD_ANSWER, values };
  } catch (error) {
    return formStateFrom(error, values);
  }
}

/** Sets the new password from the reset link's form, then on to the sign-in page, which says it worked. */
export async function resetPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { token: formText(form, "token") };
  const input = { ...values, password: formText(form, "password"), code: formText(form, "code"), backupCode: formText(form, "backupCode") };
  try {
    await resetPassword(input, clientInfo(await headers()));
  } catch (error) {
    return formStateFrom(error, values);
  }
  redirect("/login?reset=done");
}

/** The confirmation page's "Confirm" button: confirms the address, then shows that it is confirmed. */
export async function verifyEmailAction(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await verifyEmail({ token: formText(form, "token") }, clientInfo(await headers()));
  } catch (error) {
    return formStateFrom(error, {});
  }
  // Away from the link, which is used up now: reloaded, its page would say it no longer works.
  redirect("/verify-email?confirmed=1");
}

export interface ResetLinkState extends FormState {
  link?: ResetLink;
}

/** ADMIN: a one-time reset link for the user in the row, shown this once (step-up first). */
export async function issueResetLinkAction(_previous: ResetLinkState, form: FormData): Promise<ResetLinkState> {
  const client = clientInfo(await headers());
  try {
    const link = await withStepUp("/admin", () => issueResetLink({ id: form.get("id") }, client));
    return { done: true, link };
  } catch (error) {
    return formStateFrom(error, {});
  }
}
