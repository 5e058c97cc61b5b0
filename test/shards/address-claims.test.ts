// One user per address, whatever the map version of the isolate that creates it: creation claims the
// address in its object (src/address-object/address-claim.ts) before any D1 write, so two creations
// on different shards (an isolate on the old map and one on the new, during a rolling deploy) still
// meet in one place. Every answer is what the creations would get one at a time: one 201, the rest
// the documented 409 conflict.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { addressClaimOf, dropAddressClaim, setAddressClaim, setAddressClaimPendingUntil, subjectOf } from "../support/address-object";
import { watchedD1 } from "../support/d1-round-trips";
import { type World, world } from "../support/fixtures";
import { SHARDS, emailsOn } from "../support/shards";

const PASSWORD = "correct horse battery staple";
const V1 = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0] } }] }) };
const V2 = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0] } }, { version: 2, sets: { default: [0, 1] } }] }) };
const CONFLICT = { type: "base_error", code: "conflict", message: expect.any(String) };

const USER_INSERT = /^\s*insert\s+into\s+"?users"?/i;

/**
 * Both shards with every user insert held until `expected` inserts have arrived (or 500 ms have
 * passed): the creations that reach their insert all commit it together, after every one of them
 * has done its checks. The databases are the real ones; only when an insert starts is moved.
 */
function insertsTogether(expected: number): Partial<Env> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  const held = (db: D1Database) =>
    watchedD1(db, async (sql, run) => {
      if (sql.some((q) => USER_INSERT.test(q))) {
        if (++arrived >= expected) release();
        await Promise.race([all, new Promise((r) => setTimeout(r, 500))]);
      }
      return run();
    });
  return { DB_SHARD_0: held(env.DB_SHARD_0), DB_SHARD_1: held(env.DB_SHARD_1) };
}

function createUnder(w: World, email: string, overrides: Partial<Env>, password = PASSWORD) {
  return callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email, password }, env: overrides });
}

/** The tenant's user rows for `email` on every shard. */
async function rowsOf(w: World, email: string): Promise<{ id: string }[]> {
  const rows = await Promise.all(
    SHARDS().map(async (db) => (await db.prepare("SELECT id FROM users WHERE tenant_id = ? AND email_key = ?").bind(w.tenantId, email.toLowerCase()).all<{ id: string }>()).results),
  );
  return rows.flat();
}

/** One 201 and the rest 409 conflict, with exactly the one user stored. */
async function expectOneUser(w: World, email: string, answers: { status: number; body: any }[]) {
  const created = answers.filter((a) => a.status === 201);
  expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(answers.length - 1).fill(409)]);
  for (const a of answers.filter((x) => x.status === 409)) expect(a.body).toEqual(CONFLICT);
  expect((await rowsOf(w, email)).map((r) => r.id)).toEqual([created[0]!.body.id]);
}

describe("one user per address across map versions", () => {
  it("two creations of one address at once, one on the old map and one on the new (each on its own shard), make one user and one 409", async () => {
    const w = await world("claim-two-versions");
    // Under V1 this address is placed on shard 0, under V2 on shard 1: no unique index sees both.
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claim2v");
    const together = insertsTogether(2);
    const answers = await Promise.all([createUnder(w, email!, { ...V1, ...together }), createUnder(w, email!.toUpperCase(), { ...V2, ...together })]);
    await expectOneUser(w, email!, answers);
  });

  it("twenty creations of one address at once, half on each map version, make one user and nineteen 409s", async () => {
    const w = await world("claim-twenty-versions");
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claim20v");
    const together = insertsTogether(20);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => createUnder(w, email!, { ...(i % 2 ? V1 : V2), ...together })));
    await expectOneUser(w, email!, answers);
  });

  it("twenty creations of one address at once under the newest version, whose shard for it differs from the older version's, make one user and nineteen 409s", async () => {
    const w = await world("claim-twenty-one-version");
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claim20");
    const together = insertsTogether(20);
    const answers = await Promise.all(Array.from({ length: 20 }, () => createUnder(w, email!, { ...V2, ...together })));
    await expectOneUser(w, email!, answers);
  });
  it("an isolate on the old map, which has no binding for the new shard, takes a holder on that shard to exist and answers 409", async () => {
    const w = await world("claim-unknown-shard");
    // The deploy that adds DB_SHARD_1: the old isolates' map has no such binding.
    const OLD = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0"], versions: [{ version: 1, sets: { default: [0] } }] }) };
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claimunknown");
    const created = await createUnder(w, email!, V2);
    expect(created.body.id.slice(0, 2)).toBe("01");
    expect((await createUnder(w, email!, OLD)).body).toEqual(CONFLICT);
    expect((await rowsOf(w, email!)).map((r) => r.id)).toEqual([created.body.id]);
  });
});

describe("the claim follows the user", () => {
  it("a deleted user's address can be created again, under either map version, and the new user signs in", async () => {
    const w = await world("claim-recreate");
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claimre");
    const first = await createUnder(w, email!, V1);
    expect(first.status).toBe(201);
    expect((await createUnder(w, email!, V2)).body).toEqual(CONFLICT);
    expect((await callJson("DELETE", `/api/v1/users/${first.body.id}`, { token: w.token, env: V1 })).status).toBe(204);
    expect(await addressClaimOf(await subjectOf(w.tenantId, email!))).toBeNull();
    const second = await createUnder(w, email!, V2, "another fine passphrase 9");
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await rowsOf(w, email!)).map((r) => r.id)).toEqual([second.body.id]);
    const login = await callJson("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email, password: "another fine passphrase 9" }, env: V2 });
    expect(login.body).toMatchObject({ result: "SUCCESS", userId: second.body.id });
    expect((await callJson("DELETE", `/api/v1/users/${second.body.id}`, { token: w.token, env: V2 })).status).toBe(204);
    expect((await createUnder(w, email!, V1)).status).toBe(201);
  });

  it("a claim whose user is gone from D1 (its release never ran) gives way to a new creation", async () => {
    const w = await world("claim-stale-user");
    const [email] = emailsOn(undefined, w.tenantId, 0, 1, "claimgone");
    const first = await createUnder(w, email!, {});
    expect(first.status).toBe(201);
    const subject = await subjectOf(w.tenantId, email!);
    expect(await addressClaimOf(subject)).toEqual({ userId: first.body.id, home: 0, pending: false });
    // The row goes as a delete's would, but the address object is never told.
    await SHARDS()[0]!.prepare("DELETE FROM users WHERE id = ?").bind(first.body.id).run();
    const second = await createUnder(w, email!, {});
    expect(second.status).toBe(201);
    expect(await addressClaimOf(subject)).toEqual({ userId: second.body.id, home: 0, pending: false });
  });

  it("a creation whose D1 insert fails leaves the address free for the retry", async () => {
    const w = await world("claim-insert-fails");
    const [email] = emailsOn(undefined, w.tenantId, 0, 1, "claimfail");
    const failing = watchedD1(env.DB_SHARD_0, async (sql, run) => {
      if (sql.some((q) => USER_INSERT.test(q))) throw new Error("D1_ERROR: simulated loss of the primary");
      return run();
    });
    expect((await createUnder(w, email!, { DB_SHARD_0: failing })).status).toBe(503);
    expect(await addressClaimOf(await subjectOf(w.tenantId, email!))).toBeNull();
    const retry = await createUnder(w, email!, {});
    expect(retry.status).toBe(201);
    expect((await rowsOf(w, email!)).map((r) => r.id)).toEqual([retry.body.id]);
  });

  it("a pending claim of a creation that never finished holds the address until it expires, then gives way", async () => {
    const w = await world("claim-pending");
    const [email] = emailsOn(undefined, w.tenantId, 0, 1, "claimpend");
    const subject = await subjectOf(w.tenantId, email!);
    // A creation claimed the address for an id that has no row yet: it may be inserting right now.
    const inFlight = "00inflightcreation00000000";
    await setAddressClaim(subject, inFlight, 0, Date.now() + 60_000);
    expect((await createUnder(w, email!, {})).body).toEqual(CONFLICT);
    // Its pending mark expired and its row never came: the creation is dead.
    await setAddressClaim(subject, inFlight, 0, Date.now() - 1);
    const created = await createUnder(w, email!, {});
    expect(created.status).toBe(201);
    expect(await addressClaimOf(subject)).toEqual({ userId: created.body.id, home: 0, pending: false });
  });

  it("a creation slower than its pending claim, taken over meanwhile, finds out when it confirms and undoes its row: one user", async () => {
    const w = await world("claim-slow");
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claimslow");
    const subject = await subjectOf(w.tenantId, email!);
    let arrived!: () => void;
    let go!: () => void;
    const atInsert = new Promise<void>((r) => (arrived = r));
    const resume = new Promise<void>((r) => (go = r));
    const slow = watchedD1(env.DB_SHARD_0, async (sql, run) => {
      if (sql.some((q) => USER_INSERT.test(q))) {
        arrived();
        await resume;
      }
      return run();
    });
    const first = createUnder(w, email!, { ...V1, DB_SHARD_0: slow });
    await atInsert;
    // The first creation holds a pending claim and has not inserted; its 60 s pass.
    await setAddressClaimPendingUntil(subject, Date.now() - 1);
    const second = await createUnder(w, email!, V2);
    expect(second.status).toBe(201);
    go();
    expect((await first).body).toEqual(CONFLICT);
    expect((await rowsOf(w, email!)).map((r) => r.id)).toEqual([second.body.id]);
    expect(await addressClaimOf(subject)).toEqual({ userId: second.body.id, home: 1, pending: false });
  });

  it("users created before claims existed keep their address: the older-shard check still finds them, and the claim is recorded", async () => {
    const w = await world("claim-backfill");
    // Under V1 the address is on shard 0; created, then its claim dropped, as before this change.
    const [email] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "claimold");
    const old = await createUnder(w, email!, V1);
    expect(old.status).toBe(201);
    const subject = await subjectOf(w.tenantId, email!);
    await dropAddressClaim(subject);
    expect((await createUnder(w, email!, V2)).body).toEqual(CONFLICT);
    expect(await addressClaimOf(subject)).toEqual({ userId: old.body.id, home: 0, pending: false });
    expect((await rowsOf(w, email!)).map((r) => r.id)).toEqual([old.body.id]);
  });
});
