// The spending tiers recommendProviders answers for, in contract order.
export const Budget = {
  FREE: "FREE",
  LOW: "LOW",
  MEDIUM: "MEDIUM",
  HIGH: "HIGH",
} as const;
export type Budget = (typeof Budget)[keyof typeof Budget];
