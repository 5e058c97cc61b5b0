// The breached-password fixture: Have I Been Pwned's range API as test/fixtures/host-app.js serves
// it (outboundService), and what it was asked.

/** Breached (count 212,000) in the fixture's range 98A16. */
export const BREACHED_PASSWORD = "password123456";
/** Its suffix is in the fixture's range ABABB only as a padding entry, count 0. */
export const PADDED_ONLY_PASSWORD = "pwned but padded 0";
/** The fixture answers 500 for its prefix, E3AA9. */
export const PROVIDER_DOWN_PASSWORD = "range api down 500";
/** The fixture answers 200 with a body that is not a range for its prefix, DE355. */
export const PROVIDER_JUNK_PASSWORD = "range api junk 200";

export const BREACHED = { code: "breached", constraintAttributes: {} } as const;

export interface ReceivedRangeRequest {
  url: string;
  method: string;
  addPadding: string | null;
}

/** Every request the fixture's range API received for a prefix, in order. */
export async function rangeRequestsFor(prefix: string): Promise<ReceivedRangeRequest[]> {
  return (await (await fetch(`https://api.pwnedpasswords.com/__pwned/received/${prefix}`)).json()) as ReceivedRangeRequest[];
}
