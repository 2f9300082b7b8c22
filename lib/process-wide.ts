/**
 * State that must exist once per server process: a database pool, the bcrypt
 * worker threads, the session cache, the list of common passwords.
 *
 * Module state is not enough for that. Next.js bundles a module into each
 * layer that imports it (the route handlers, and the pages with their server
 * actions), and each copy has state of its own: the common-password list was
 * built twice per process, and the bcrypt pool had twice the threads it was
 * sized for. `next dev` also evaluates a module again after every edit. So the
 * value lives on globalThis, under a registered symbol every copy finds.
 */
import "server-only";

interface Slot<T> {
  value: T;
}

type Holder = Record<symbol, Slot<unknown> | undefined>;

function slotOf<T>(name: string): { holder: Holder; key: symbol; slot: Slot<T> | undefined } {
  const holder = globalThis as unknown as Holder;
  const key = Symbol.for(`tessera.${name}`);
  return { holder, key, slot: holder[key] as Slot<T> | undefined };
}

/** This process's `name`, made by `create` on first use (a null or undefined it returns is kept too). */
export function processWide<T>(name: string, create: () => T): T {
  const { holder, key, slot } = slotOf<T>(name);
  if (slot) return slot.value;
  const made: Slot<T> = { value: create() };
  holder[key] = made;
  return made.value;
}

/** This process's `name` if it has been made, without making it. */
export function existingProcessWide<T>(name: string): T | undefined {
  return slotOf<T>(name).slot?.value;
}
