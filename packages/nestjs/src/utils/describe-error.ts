/** A one-line reason; Nest's RPC filter turns errors into `{ status, message }` objects. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message);
  return String(err);
}
