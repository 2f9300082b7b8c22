"use server";
/**
 * Signing in by email for the HTML forms: asking for a sign-in link, and the
 * link page's "Sign in" button. They call the same use cases as the JSON API
 * and work without JavaScript.
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/errors";
import { secondStepPath } from "@/lib/edge/paths";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { clientInfo } from "@/lib/request/client-info";
import { EMAIL_LINK_ANSWER, requestEmailLink, signInWithEmailLink } from "@/lib/use-cases/email-link";

export async function requestEmailLinkAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { email: formText(form, "email") };
  try {
    await requestEmailLink(values, clientInfo(await headers()));
    return { done: true, message: EMAIL_LINK_ANSWER, values };
  } catch (error) {
    return formStateFrom(error, values);
  }
}

/** The link page's button: signs in and goes to the dashboard, or to the second step when the account has TOTP on. */
export async function emailLinkSignInAction(_previous: FormState, form: FormData): Promise<FormState> {
  let secondStep = false;
  try {
    await signInWithEmailLink({ token: formText(form, "token") }, clientInfo(await headers()));
  } catch (error) {
    // The link is used up and the pending sign-in's cookie is set: its second step has a page of its own.
    if (!(error instanceof ApiError && error.code === "mfa_required")) return formStateFrom(error, {});
    secondStep = true;
  }
  redirect(secondStep ? secondStepPath("/dashboard") : "/dashboard");
}
