"use client";
/**
 * The dashboard's "Two-factor sign-in": off (set up an app), set up (scan the
 * QR code or type the key, then turn on with a code), just turned on (the
 * backup codes, this once) and on (since when, codes left, turn off). Works
 * with and without JavaScript: both forms keep their state in useActionState,
 * which a plain form post gets back in the re-rendered page.
 */
import { useActionState } from "react";
import { disableTotpAction, enableTotpAction, setUpTotpAction, type TotpFormState } from "@/app/_actions/totp";
import { Field, FormError } from "@/app/_components/field";
import type { TotpStatus } from "@/lib/auth/second-factor/enrolment";
import { formatDateTime } from "@/lib/format";

function BackupCodes({ codes }: { codes: string[] }) {
  return (
    <div role="status" aria-labelledby="backup-codes-heading">
      <h3 id="backup-codes-heading">Your backup codes</h3>
      <p>
        Save these codes somewhere safe, away from your phone. Each one signs you in once instead of a code from the app. They are shown
        only now.
      </p>
      <ul aria-label="Backup codes" className="backup-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TwoFactorPanel({ status }: { status: TotpStatus }) {
  const [setup, setUpAction, settingUp] = useActionState(setUpTotpAction, {} satisfies TotpFormState);
  const [enabled, enableAction, enabling] = useActionState(enableTotpAction, {} satisfies TotpFormState);

  if (status.state === "on") {
    return (
      <>
        {enabled.backupCodes ? <BackupCodes codes={enabled.backupCodes} /> : null}
        <p>
          On since {formatDateTime(status.since)}. Backup codes left: {status.backupCodesLeft}.
        </p>
        <form action={disableTotpAction} className="actions">
          <button type="submit" className="danger">
            Turn off
          </button>
        </form>
      </>
    );
  }

  if (status.state === "pending") {
    return (
      <>
        <p>Scan this QR code with your authenticator app, or type the key below into it. Then enter the code the app shows.</p>
        <div className="qr-code" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: status.qrSvg }} />
        <p>
          Key: <code id="totp-secret">{status.secret}</code>
        </p>
        <form action={enableAction} className="stack" noValidate aria-label="Turn on two-factor sign-in">
          <FormError message={enabled.message} />
          <Field name="code" label="Code from the app" inputMode="numeric" autoComplete="one-time-code" required error={enabled.fields?.code} />
          <button type="submit" disabled={enabling}>
            Turn on
          </button>
        </form>
      </>
    );
  }

  return (
    <>
      <p>Off. With an authenticator app, signing in needs your password and a code from your phone.</p>
      {status.available ? (
        <form action={setUpAction} className="actions">
          <FormError message={setup.message} />
          <button type="submit" disabled={settingUp}>
            Set up an authenticator app
          </button>
        </form>
      ) : (
        <p className="hint">This server cannot turn two-factor sign-in on yet.</p>
      )}
    </>
  );
}
