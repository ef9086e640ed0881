import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** A value bound to a query: a scalar, or a list for `in (…)` (one shape per list length). */
type Arg = string | number | readonly (string | number)[];

interface Shape {
  sql: string;
  /** The compiled parameters; a slot's entry is replaced by the value it stands for. */
  parameters: readonly unknown[];
  /** Per parameter: [argument, index in a list argument or -1], or null for a constant of the query. */
  slots: readonly (readonly [number, number] | null)[];
}

const SLOT = '\uE000slot:'; // a private-use character, which no real value carries
const SLOT_RE = /^\uE000slot:(\d+):(-1|\d+)$/;
const slotValue = (arg: number, item: number) => `${SLOT}${arg}:${item}`;

/** The slot a compiled parameter stands for; a parameter that merely contains one is an argument used inside a longer value. */
function parseSlot(p: unknown, sql: string): readonly [number, number] | null {
  if (typeof p !== 'string' || !p.includes(SLOT)) return null;
  const m = SLOT_RE.exec(p);
  if (!m) throw new Error(`preparedRead: an argument is used inside a longer value in ${sql}`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * A read on the request path, built with Kysely once per shape and compiled once, then run with new
 * values (docs/decisions/007). Building and compiling a query costs Kysely more than SQLite spends
 * running these small indexed reads. `build` is called once per shape (the lengths of list
 * arguments) with placeholders, so it must use its arguments only as bound values (`where`
 * operands, `in` lists; one argument may be bound several times) and must not branch on their
 * values, which is not detected: give each branch its own read. An argument written into the SQL
 * text, used inside a longer value, or not bound at all is refused when the shape is first
 * compiled.
 */
export function preparedRead<A extends Arg[], R>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<R>,
): (db: Kysely<Database>, ...args: A) => Promise<R[]> {
  const shapes = new Map<string, Shape>();
  const shapeFor = (db: Kysely<Database>, args: A): Shape => {
    const key = args.map((a) => (Array.isArray(a) ? a.length : '.')).join(',');
    const known = shapes.get(key);
    if (known) return known;
    const placeholders = args.map((a, i) =>
      Array.isArray(a) ? a.map((_, j) => slotValue(i, j)) : slotValue(i, -1),
    ) as unknown as A;
    const compiled = build(db, ...placeholders).compile();
    if (compiled.sql.includes(SLOT))
      throw new Error(`preparedRead: an argument was written into the SQL text: ${compiled.sql}`);
    const slots = compiled.parameters.map((p) => parseSlot(p, compiled.sql));
    const expected = placeholders.flatMap((p) => (Array.isArray(p) ? p : [p])) as string[];
    const bound = new Set(compiled.parameters.filter((_, k) => slots[k] !== null));
    const missing = expected.filter((p) => !bound.has(p));
    if (missing.length > 0)
      throw new Error(
        `preparedRead: arguments not bound as parameters (${missing.map((m) => m.slice(SLOT.length)).join(', ')}) in ${compiled.sql}`,
      );
    const shape: Shape = { sql: compiled.sql, parameters: compiled.parameters, slots };
    shapes.set(key, shape);
    return shape;
  };
  return async (db, ...args) => {
    const shape = shapeFor(db, args);
    const parameters = shape.parameters.map((p, k) => {
      const slot = shape.slots[k];
      if (!slot) return p;
      const arg = args[slot[0]]!;
      return slot[1] < 0 ? arg : (arg as readonly (string | number)[])[slot[1]];
    });
    return (await db.executeQuery<R>(CompiledQuery.raw(shape.sql, parameters))).rows;
  };
}
