import { z } from "zod";
import { clientErrorOf, toErrorResponse } from "@/lib/http/client-errors";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, seeOther } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/signed-in-response";
import { bodyKind, readInput } from "@/lib/http/validate";
import { safeNextPath } from "@/lib/schemas";
import { completeSignInWithCode } from "@/lib/use-cases/sign-in";

const nextFieldSchema = z.object({ next: z.string() });

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /**
   * POST /api/auth/login/verify — `{code}` or `{backupCode}` completes the
   * pending sign-in that POST /api/auth/login left in its cookie, and sets the
   * session cookies. JSON, or an HTML form with an optional `next`.
   */
  async POST(request) {
    // Where to go once signed in: the form's `next`, else the query's; only ever a same-origin path.
    let requested = request.nextUrl.searchParams.get("next") ?? undefined;
    try {
      const { input, kind } = await readInput(request, { forms: true });
      requested = nextFieldSchema.safeParse(input).data?.next ?? requested;
      const next = safeNextPath(requested);
      return signedInResponse(await completeSignInWithCode(input, clientInfo(request.headers)), kind, next);
    } catch (error) {
      const clientError = clientErrorOf(error);
      if (clientError && bodyKind(request) === "form") {
        const next = safeNextPath(requested);
        const back = (code: string) => new URLSearchParams({ error: code, ...(requested === undefined ? {} : { next }) });
        // An ended or expired sign-in starts over at the password; a wrong code stays on this step.
        if (clientError.code === "invalid_challenge") return seeOther(`/login?${back(clientError.code)}`);
        return seeOther(`/login/verify?${back(clientError.code)}`);
      }
      return toErrorResponse(error);
    }
  },
});
