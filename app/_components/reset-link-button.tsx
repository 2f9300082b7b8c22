"use client";
/**
 * The admin page's "Reset link" for one user: a one-time link to set a new
 * password, shown here once, for the admin to hand over. The admin never
 * chooses or learns the password.
 */
import { useActionState } from "react";
import { issueResetLinkAction, type ResetLinkState } from "@/app/_actions/recovery";
import { FormError } from "@/app/_components/field";
import { formatDateTime } from "@/lib/format";

export function ResetLinkButton({ userId, username }: { userId: string; username: string }) {
  const [state, formAction, pending] = useActionState(issueResetLinkAction, {} satisfies ResetLinkState);
  return (
    <form action={formAction}>
      <input type="hidden" name="id" value={userId} />
      {state.link ? (
        <p className="reset-link" role="status">
          <label>
            One-time link for {username} (works once, until {formatDateTime(state.link.expiresAt)}):
            <input readOnly value={state.link.url} onFocus={(event) => event.currentTarget.select()} />
          </label>
        </p>
      ) : (
        <FormError message={state.message} />
      )}
      <button type="submit" className="secondary" disabled={pending} aria-label={`Reset link for ${username}`}>
        Reset link
      </button>
    </form>
  );
}
