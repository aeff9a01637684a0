/** Names unique to this run, so concurrent runs and leftovers never collide. */
const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;
let counter = 0;

export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${RUN_ID}_${counter}`;
}
