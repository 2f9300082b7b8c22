import { z } from "zod";
import { clientErrorOf, toErrorResponse } from "@/lib/http/client-errors";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, seeOther } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/signed-in-response";
import { bodyKind, readInput } from "@/lib/http/validate";
import { secondStepPath } from "@/lib/edge/paths";
import { safeNextPath } from "@/lib/schemas";
import { signIn } from "@/lib/use-cases/sign-in";

/** The form's `next` field, beside the credentials that the use case checks. */
const nextFieldSchema = z.object({ next: z.string() });

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/login — `{username, password}` as JSON, or an HTML form with
   * an optional `next`. For a user with TOTP on, 401 `mfa_required` and a
   * pending sign-in that POST /api/auth/login/verify completes (`code` in the
   * same request completes it at once).
   */
  async POST(request) {
    // Where to go once signed in: the form's `next`, else the query's; only ever a same-origin path.
    let requested = request.nextUrl.searchParams.get("next") ?? undefined;
    try {
      const { input, kind } = await readInput(request, { forms: true });
      requested = nextFieldSchema.safeParse(input).data?.next ?? requested;
      const next = safeNextPath(requested);
      const started = await signIn(input, clientInfo(request.headers));
      return signedInResponse(started, kind, next);
    } catch (error) {
      // A form post without JavaScript goes back to the page with the error code;
      // never with the password, and `next` only if it is a safe path. A right
      // password that needs its second factor goes on to that step instead.
      const clientError = clientErrorOf(error);
      if (clientError && bodyKind(request) === "form") {
        const next = safeNextPath(requested);
        const back = (code: string) => new URLSearchParams({ error: code, ...(requested === undefined ? {} : { next }) });
        if (clientError.code === "mfa_required") return seeOther(secondStepPath(next));
        return seeOther(`/login?${back(clientError.code)}`);
      }
      return toErrorResponse(error);
    }
  },
});
