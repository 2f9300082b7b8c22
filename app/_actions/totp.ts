"use server";
/**
 * The dashboard's two-factor forms: set up an authenticator app, turn TOTP on
 * with its first code (the backup codes come back in the form state, shown
 * once), and turn it off. Each needs a recent sign-in: when it is too old,
 * the browser goes to /reauth and back to the dashboard.
 */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { clientInfo } from "@/lib/request/client-info";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { withStepUp } from "@/lib/http/step-up";
import { disableTotp, enableTotp, setUpTotp } from "@/lib/use-cases/totp";

export interface TotpFormState extends FormState {
  /** Only in the answer to the form that turned TOTP on. */
  backupCodes?: string[];
}

export async function setUpTotpAction(_previous: TotpFormState): Promise<TotpFormState> {
  try {
    // The page reads the new secret back to draw the QR code while it is unconfirmed.
    await withStepUp("/dashboard", setUpTotp);
  } catch (error) {
    return formStateFrom(error, {});
  }
  revalidatePath("/dashboard");
  return {};
}

export async function enableTotpAction(_previous: TotpFormState, form: FormData): Promise<TotpFormState> {
  try {
    const client = clientInfo(await headers());
    const { backupCodes } = await withStepUp("/dashboard", () => enableTotp({ code: formText(form, "code") }, client));
    revalidatePath("/dashboard");
    return { backupCodes };
  } catch (error) {
    return formStateFrom(error, {});
  }
}

export async function disableTotpAction(): Promise<void> {
  const client = clientInfo(await headers());
  await withStepUp("/dashboard", () => disableTotp(client));
  revalidatePath("/dashboard");
}
