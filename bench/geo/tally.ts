// What the geo bench counts and how far away each kind of call is. Module state: local workerd
// runs the Worker and its Durable Objects in one isolate, so one tally sees every call.

/** Where a call goes. `mail` is the dev mailbox's D1 insert, standing in for the email provider. */
export type Target = "d1Primary" | "d1Replica" | "durableObject" | "queue" | "mail";

/**
 * Who made the call: the fetch handler before its answer, the same request's work after the answer
 * (waitUntil), the user's Durable Object itself, or the email queue's consumer.
 */
export type Phase = "before" | "after" | "object" | "consumer";

/** A tag per invocation: the fetch handler's flips from "before" to "after" as it answers. */
export type CallSite = { phase: Phase };

/** Round-trip time in ms per call, by profile. `far`: the D1 primary is on another continent. */
const PROFILES: Record<string, Record<Target, number>> = {
  same: { d1Primary: 5, d1Replica: 5, durableObject: 5, queue: 5, mail: 5 },
  far: { d1Primary: 200, d1Replica: 5, durableObject: 5, queue: 5, mail: 5 },
};

/**
 * Which data a D1 round trip touches, for the capacity model (issue 19): user-scoped rows that
 * shard by user, directory rows that stay in one replicated database, the access-token deny-list.
 */
export type DataKind = "d1User" | "d1Directory" | "d1DenyList" | "d1Other";

type Counter = Target | DataKind;
export type Tally = Record<Phase, Record<Counter, number>>;

const emptyTally = (): Tally => {
  const row = (): Record<Counter, number> => ({ d1Primary: 0, d1Replica: 0, durableObject: 0, queue: 0, mail: 0, d1User: 0, d1Directory: 0, d1DenyList: 0, d1Other: 0 });
  return { before: row(), after: row(), object: row(), consumer: row() };
};

export const state = {
  profile: "same",
  /** Off while the bench provisions (nothing measured then): setup need not wait out the profile. */
  delaysOn: true,
  tally: emptyTally(),
  /** Work still running after an answer: a sample's counts wait for it. */
  pendingAfter: 0,
  /** Consumer batches in flight: only the consumer's measurement waits for them. */
  pendingConsumer: 0,
  /** One entry per consumer invocation: its batch size and how long it ran. */
  batches: [] as { messages: number; ms: number }[],
};

export function reset(): void {
  state.tally = emptyTally();
  state.batches = [];
}

/**
 * Waits for one round trip as the profile says, then counts it (and the data it touches) where it
 * came back: a call the answer waited for is back before the answer, while work handed to
 * waitUntil that was still out when the answer left counts after it, though it started before
 * (its first call is made before waitUntil is even called, so the context cannot tell).
 */
export async function roundTrip(site: CallSite, target: Target, data?: DataKind): Promise<void> {
  if (state.delaysOn) {
    const ms = (PROFILES[state.profile] ?? PROFILES.same!)[target];
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  state.tally[site.phase][target]++;
  if (data) state.tally[site.phase][data]++;
}

export function knownProfile(name: string): boolean {
  return name in PROFILES;
}

export function profileDelays(): Record<Target, number> {
  return PROFILES[state.profile] ?? PROFILES.same!;
}
