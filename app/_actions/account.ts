"use server";
/**
 * The dashboard's account forms: the email address (set, change, remove, send
 * its link again) and a new password. Both changes need a recent sign-in, so
 * an old session goes by /reauth first and comes back.
 */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { clientInfo } from "@/lib/request/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { withStepUp } from "@/lib/http/step-up";
import { mailAvailable } from "@/lib/mail/send";
import { resendVerification } from "@/lib/use-cases/email";
import { changeMyEmail, changeMyPassword } from "@/lib/use-cases/users";

export async function changeEmailAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { email: formText(form, "email") };
  const client = clientInfo(await headers());
  try {
    const { email, changed } = await withStepUp("/dashboard", () => changeMyEmail(values, client));
    revalidatePath("/dashboard");
    return { done: true, message: emailChangeMessage(email, changed), values };
  } catch (error) {
    return formStateFrom(error, values);
  }
}

function emailChangeMessage(email: string | null, changed: boolean): string {
  if (!email) return changed ? "Your email address is removed." : "There is no email address to remove.";
  if (!changed) return `${email} is already your email address.`;
  return mailAvailable() ? `We sent a link to ${email}. Open it to confirm the address.` : `Saved ${email}. This server cannot send mail yet, so it stays unconfirmed.`;
}

export async function resendVerificationAction(_previous: FormState): Promise<FormState> {
  try {
    const { email } = await resendVerification(clientInfo(await headers()));
    return { done: true, message: `We sent the link again to ${email}.` };
  } catch (error) {
    return formStateFrom(error, {});
  }
}

export async function changePasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const input = { currentPassword: formText(form, "currentPassword"), password: formText(form, "password") };
  const client = clientInfo(await headers());
  try {
    await withStepUp("/dashboard", () => changeMyPassword(input, client));
    revalidatePath("/dashboard");
    return { done: true, message: "Your password is changed. Your other sessions are signed out." };
  } catch (error) {
    return formStateFrom(error, {});
  }
}
