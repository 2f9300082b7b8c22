/**
 * Hand-written SQL for the few reads that every signed-in request or page
 * makes (the session check, the dashboard), on the same pool as Prisma.
 * For a read this small, Prisma's own work per call (building the query,
 * finding its plan, shaping the result) costs the server several times the
 * CPU of sending the statement, and PostgreSQL parses and plans every
 * statement Prisma sends anew. Here each statement is a prepared statement of
 * its own name: PostgreSQL parses and plans it once per connection.
 *
 * A transaction pooler without support for prepared statements (PgBouncer in
 * transaction mode before 1.21, and the like) may pass consecutive statements
 * of one client connection to different server connections, where a name is
 * unknown or already taken. The first such refusal turns names off for this
 * process, and the read runs again unnamed: reads only, so running one again
 * is safe.
 *
 * Values: a Date goes in as its ISO string, and `timestamp` and `date`
 * columns come out as UTC, as Prisma stores and reads them, whatever the
 * server's time zone.
 *
 * Free of `server-only`, like ./prisma.ts, so that tests can run the reads
 * on a pool of their own; the app goes through lib/db/client.ts.
 */
import pg from "pg";

/** A statement and the name it is prepared under (the same name always with the same text). */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

const declared = new Map<string, string>();

/** Declares a statement once, at module level; a second text under one name is a programming error. */
export function statement(name: string, text: string): Statement {
  const earlier = declared.get(name);
  if (earlier !== undefined && earlier !== text) throw new Error(`two SQL statements are named ${name}`);
  declared.set(name, text);
  return { name: `tessera_${name}`, text };
}

const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;

/** PostgreSQL's text for `timestamp` ("2026-12-07 10:15:42.123") and `date` ("2026-12-07"), read as UTC. */
const utcTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === TIMESTAMP_OID) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    if (oid === DATE_OID) return (value: string) => new Date(`${value}T00:00:00Z`);
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/** A Date parameter ($index) as a UTC `timestamp`, as Prisma stores them, to compare columns with. */
export function utcParameter(index: number): string {
  return `($${index}::timestamptz AT TIME ZONE 'UTC')`;
}

/**
 * A UTC `timestamp(3)` column as the text `Date#toISOString` writes
 * ("2026-12-07T10:15:42.120Z"), for a value inside a JSON one: the pages
 * want that text, and need no Date to get it.
 */
export function isoText(column: string): string {
  return `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** SQLSTATE 26000 (no such prepared statement) and 42P05 (one of that name exists). */
function refusesName(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && (code === "26000" || code === "42P05");
}

/** What the reads need of a pg pool. */
export interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

export class Sql {
  #named = true;

  constructor(
    private readonly pool: Queryable,
    /** Told once, when names are turned off. */
    private readonly onNamesRefused: (error: Error) => void = () => {},
  ) {}

  /** Whether statements are still sent prepared under their names. */
  get prepared(): boolean {
    return this.#named;
  }

  /** The rows `statement` reads with `values` ($1, $2, …). */
  async rows<Row>(statement: Statement, values: readonly unknown[]): Promise<Row[]> {
    const query = { text: statement.text, values: values.map((value) => (value instanceof Date ? value.toISOString() : value)), types: utcTypes };
    if (this.#named) {
      try {
        return (await this.pool.query({ ...query, name: statement.name })).rows as Row[];
      } catch (error) {
        if (!refusesName(error)) throw error;
        this.#named = false;
        this.onNamesRefused(error);
      }
    }
    return (await this.pool.query(query)).rows as Row[];
  }
}
