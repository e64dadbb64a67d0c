// How an import or template treats the tenant's configs it does not name (SPEC.md §10.1).
export const ImportMode = {
  /** Create what is missing, update what is present, leave the rest. */
  MERGE: "MERGE",
  /** MERGE, and delete the tenant's configs the document does not name. */
  REPLACE: "REPLACE",
} as const;
export type ImportMode = (typeof ImportMode)[keyof typeof ImportMode];
