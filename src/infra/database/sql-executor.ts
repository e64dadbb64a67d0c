// How repositories talk to the database: raw SQL built with Prisma's `Prisma.sql` template (values always bound as
// parameters), run through Prisma's driver adapter (@prisma/adapter-pg or the PGlite adapter) directly.
// Measured here, the Prisma Client's interactive transactions cost about twice the time per statement of the
// adapter they drive (see BENCHMARKS.md); every statement of this service is raw SQL already, so the client's
// query engine would add cost and nothing else. Results come back as plain rows, converted by column type.
import { type ArgType, ColumnTypeEnum, type SqlQueryable, type SqlResultSet } from "@prisma/driver-adapter-utils";
import { Prisma } from "../../generated/prisma/client.js";

/** How the statements that `planEachTime` marks begin. */
export const PLAN_EACH_TIME = "/* plan each time */ ";

/**
 * Marks a statement PostgreSQL must plan for its parameter values on every execution: it is sent unnamed, never
 * prepared. For statements whose best plan depends on the values: a prepared statement switches to a generic plan,
 * which cannot know whether the tenant it reads has ten snapshots or a hundred thousand (configHistory on a long
 * history then read and sorted all of them; see BENCHMARKS.md, History page).
 */
export const planEachTime = (statement: Prisma.Sql): Prisma.Sql => Prisma.sql`${Prisma.raw(PLAN_EACH_TIME)}${statement}`;

/** What a repository receives: one statement at a time, inside a transaction the unit of work opened. */
export interface Executor {
  query<Row>(statement: Prisma.Sql): Promise<Row[]>;
}

export class AdapterExecutor implements Executor {
  constructor(
    private readonly queryable: SqlQueryable,
    private readonly onQuery?: (sql: string) => void,
  ) {}

  async query<Row>(statement: Prisma.Sql): Promise<Row[]> {
    this.onQuery?.(statement.text);
    const values = statement.values.map(toParameter);
    const result = await this.queryable.queryRaw({ sql: statement.text, args: values, argTypes: values.map(argTypeOf) });
    return toRows<Row>(result);
  }
}

/** Dates travel as ISO strings with their zone (the adapters would otherwise format them zone-less). */
function toParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

function argTypeOf(value: unknown): ArgType {
  if (Array.isArray(value)) return { scalarType: "string", arity: "list" };
  switch (typeof value) {
    case "number":
      return { scalarType: Number.isInteger(value) ? "int" : "float", arity: "scalar" };
    case "boolean":
      return { scalarType: "boolean", arity: "scalar" };
    case "string":
      return { scalarType: "string", arity: "scalar" };
    default:
      return { scalarType: "unknown", arity: "scalar" };
  }
}

type Convert = (value: unknown) => unknown;
const identity: Convert = (value) => value;
const CONVERTERS: Partial<Record<number, Convert>> = {
  [ColumnTypeEnum.Int64]: (value) => (value === null ? null : BigInt(value as string | number)),
  [ColumnTypeEnum.Json]: (value) => (typeof value === "string" ? JSON.parse(value) : value),
  [ColumnTypeEnum.DateTime]: (value) => (value === null ? null : new Date(value as string)),
};

function toRows<Row>({ columnNames, columnTypes, rows }: SqlResultSet): Row[] {
  const converters = columnTypes.map((type) => CONVERTERS[type] ?? identity);
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) row[columnNames[i] as string] = (converters[i] as Convert)(values[i]);
    return row as Row;
  });
}
