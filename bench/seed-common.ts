/** What the benchmarks' generated stores share; the plan and roster loaders are the tests' (test/helpers/db.ts). */
export { loadPlan, loadRoster } from '../test/helpers/db.js';

/** A small deterministic generator, so two runs measure the same store. */
export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
