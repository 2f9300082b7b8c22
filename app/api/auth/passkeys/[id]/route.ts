import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent, type RouteContext } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { removeMyPasskey, renameMyPasskey } from "@/lib/use-cases/passkeys";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ id: string }>>({
  /** PATCH /api/auth/passkeys/:id — `{name}` renames one of the caller's passkeys. */
  async PATCH(request, { params }) {
    const { input } = await readInput(request);
    await renameMyPasskey(await params, input);
    return noContent();
  },
  /** DELETE /api/auth/passkeys/:id — removes one of the caller's passkeys (needs a recent sign-in). */
  async DELETE(request, { params }) {
    await removeMyPasskey(await params, clientInfo(request.headers));
    return noContent();
  },
});
