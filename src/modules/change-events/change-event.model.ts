// A change event as callers see it (SPEC.md §9): a history snapshot (no credential material) and its cursor.
import type { ConfigVersionRecord } from "../history/config-version.model.js";

export interface ChangeEventRecord {
  readonly cursor: string;
  readonly change: ConfigVersionRecord;
}

export interface ChangePageRecord {
  readonly items: ChangeEventRecord[];
  /** The cursor of the last item, or the given `after` when there is none. */
  readonly cursor: string | null;
}
