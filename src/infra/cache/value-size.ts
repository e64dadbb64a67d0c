// The per-value byte cap of every cache (SPEC.md §13: caches are bounded in bytes). A value over it is not stored:
// a huge tenant is then read from the database each time, which costs that tenant some latency, where sending it
// could time out the Redis command and, through the distrust rule, throw away every tenant's cache.

/** 1 MiB: about 16 configs with the largest configData, far beyond any ordinary tenant. */
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

/** UTF-8 bytes of `value`, measured only when its length leaves the answer open (a UTF-16 unit is 1-3 bytes). */
export function fitsIn(value: string, maxBytes: number): boolean {
  if (value.length * 3 <= maxBytes) return true;
  if (value.length > maxBytes) return false;
  return Buffer.byteLength(value, "utf8") <= maxBytes;
}
