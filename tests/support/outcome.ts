/** What a verification did: "accepted", or the error code it refused with, so a table of cases reads as data. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
