"use client";
/** The Get token / Show details buttons and the `Result - …` line. */
import { useActionState } from "react";
import { homeAction, type HomeState } from "@/app/_actions/home";
import { ClaimList } from "@/app/_components/claim-list";

const initialState: HomeState = { result: "…" };

export function TokenPanel() {
  const [state, formAction, pending] = useActionState(homeAction, initialState);
  return (
    <form action={formAction}>
      <div className="actions">
        <button type="submit" name="intent" value="token" disabled={pending}>
          Get token
        </button>
        <button type="submit" name="intent" value="details" className="secondary" disabled={pending}>
          Show details
        </button>
      </div>
      <p className="result" role="status" aria-live="polite" data-testid="result">
        Result - {state.result}
      </p>
      {state.details ? <ClaimList summary={state.details} /> : null}
    </form>
  );
}
