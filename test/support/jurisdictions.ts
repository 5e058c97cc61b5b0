// Local workerd (1.20261102) refuses DurableObjectNamespace.jurisdiction() with "Jurisdiction
// restrictions are not implemented in workerd." and accepts, then ignores, any location hint. These
// tests therefore run the service with a namespace that adds only what is missing over the real
// one: jurisdiction(j) answers a view whose ids are the real namespace's ids for `j:<name>`, so a
// name gives a different object in each jurisdiction, as on Cloudflare, and whose get refuses an id
// from another jurisdiction, as Cloudflare's does. Every get is recorded, with its location hint.
// The objects themselves are the real ones, with their real storage.
import { env } from "cloudflare:workers";

export interface RecordedGet {
  /** The name the service asked for (a user id, an address subject). */
  name: string;
  jurisdiction: string | null;
  locationHint: string | undefined;
}

/** The real object a name has in a jurisdiction under this emulation. */
export function emulatedId<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string, jurisdiction: string | null): DurableObjectId {
  return ns.idFromName(jurisdiction ? `${jurisdiction}:${name}` : name);
}

export function emulatedJurisdictions<T extends Rpc.DurableObjectBranded | undefined>(real: DurableObjectNamespace<T>) {
  const gets: RecordedGet[] = [];
  const minted = new WeakMap<DurableObjectId, { name: string; jurisdiction: string | null }>();
  const view = (jurisdiction: string | null): DurableObjectNamespace<T> =>
    ({
      idFromName(name: string) {
        const id = emulatedId(real, name, jurisdiction);
        minted.set(id, { name, jurisdiction });
        return id;
      },
      get(id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) {
        const origin = minted.get(id);
        if (!origin) throw new Error("This emulation only knows ids from idFromName.");
        if (jurisdiction !== null && origin.jurisdiction !== jurisdiction) {
          throw new TypeError("get called on jurisdictional subnamespace with an ID from a different jurisdiction");
        }
        gets.push({ name: origin.name, jurisdiction: origin.jurisdiction, locationHint: options?.locationHint });
        return real.get(id, options);
      },
      jurisdiction(next: DurableObjectJurisdiction) {
        if (jurisdiction !== null) throw new Error("A jurisdictional namespace has no further jurisdictions.");
        return view(next);
      },
    }) as unknown as DurableObjectNamespace<T>;
  return { namespace: view(null), gets };
}

/** USERS and ADDRESSES with emulated jurisdictions, to pass as a request's `env`, and their records. */
export function placedObjects() {
  const users = emulatedJurisdictions(env.USERS);
  const addresses = emulatedJurisdictions(env.ADDRESSES);
  return { env: { USERS: users.namespace, ADDRESSES: addresses.namespace } satisfies Partial<Env>, userGets: users.gets, addressGets: addresses.gets };
}
