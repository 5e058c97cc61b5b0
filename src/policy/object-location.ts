// Where a tenant's Durable Objects are made: the user's object, and the objects that count per
// address. The policy field `userObjectLocation` is a location hint, which the platform heeds only
// when it first makes an object, or the `eu` jurisdiction, whose namespace names every object
// differently from the plain one. Objects never move, so a user's jurisdiction is recorded with the
// user when the object is made (users.object_jurisdiction) and read from there ever after.

/** Durable Object location hints (developers.cloudflare.com/durable-objects/reference/data-location). */
export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const satisfies readonly DurableObjectLocationHint[];

/** The jurisdictions a tenant may ask for. */
export const OBJECT_JURISDICTIONS = ["eu"] as const satisfies readonly DurableObjectJurisdiction[];
export type ObjectJurisdiction = (typeof OBJECT_JURISDICTIONS)[number];

export const USER_OBJECT_LOCATIONS = [...LOCATION_HINTS, ...OBJECT_JURISDICTIONS] as const;
export type UserObjectLocation = (typeof USER_OBJECT_LOCATIONS)[number];

/** How an object is placed: the jurisdiction its id is made in, and the hint for making it. */
export interface ObjectPlacement {
  jurisdiction: ObjectJurisdiction | null;
  locationHint?: DurableObjectLocationHint;
}

/** A jurisdiction places within itself; a hint is a hint. Null: wherever the first call comes from. */
export function placementOf(location: UserObjectLocation | null): ObjectPlacement {
  if (location === null) return { jurisdiction: null };
  return (OBJECT_JURISDICTIONS as readonly string[]).includes(location) ? { jurisdiction: location as ObjectJurisdiction } : { jurisdiction: null, locationHint: location as DurableObjectLocationHint };
}

/** The namespace whose ids keep objects in `jurisdiction`; the plain one for none. */
export function namespaceIn<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, jurisdiction: ObjectJurisdiction | null): DurableObjectNamespace<T> {
  return jurisdiction === null ? ns : ns.jurisdiction(jurisdiction);
}
