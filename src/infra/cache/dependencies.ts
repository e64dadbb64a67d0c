// What one request's response was built from: the cache epoch and the generation of every tenant it read.
// Recorded before the database is read (see CachedTenantConfigSource), so a response stored with these
// dependencies can only be served while none of those tenants has changed since.
import type { ResponseDependency } from "./generational-cache.js";

export class CacheDependencies {
  private epochSeen: string | null = null;
  private readonly generations = new Map<string, string>();
  private cacheable = true;

  record(epoch: string, key: string, generation: string): void {
    if (this.epochSeen !== null && this.epochSeen !== epoch) this.cacheable = false;
    this.epochSeen = epoch;
    const seen = this.generations.get(key);
    if (seen !== undefined && seen !== generation) this.cacheable = false;
    this.generations.set(key, generation);
  }

  /** Something was read without a generation (cache unavailable, or a read that is never cached). */
  markUncacheable(): void {
    this.cacheable = false;
  }

  get isCacheable(): boolean {
    return this.cacheable;
  }

  get epoch(): string | null {
    return this.epochSeen;
  }

  get list(): ResponseDependency[] {
    return [...this.generations].map(([key, generation]) => ({ key, generation }));
  }
}
