/** How the pages write a moment: "2026-11-25 14:05:12 UTC", the same for every viewer and in every test. */
export function formatDateTime(value: string | Date): string {
  return new Date(value).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}
