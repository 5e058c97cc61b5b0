// The geo bench's Worker (`npm run bench:geo`): the service's own handlers and classes, unchanged,
// given an env whose D1, Durable Object and Queue bindings count each round trip and delay it as
// far as the profile (var GEO_PROFILE) puts them. Bench routes under /__geo/ read and reset the
// counts and switch the delays off while the bench provisions; every other request goes to the service.
import service, {
  AddressDurableObject as ServiceAddressDurableObject,
  PasswordResetService as ServicePasswordResetService,
  UserDurableObject as ServiceUserDurableObject,
} from "../../src/index";
import { consumer, modelEnv, modelled, modelRoute } from "../shards/model-env";
import { type CallSite, knownProfile, profileDelays, reset, state } from "./tally";
import { wrapNamespace, wrapQueue } from "./wrap-bindings";
import { wrapD1 } from "./wrap-d1";

function wrapEnv(env: Env, site: CallSite): Env {
  // `npm run bench:shards` runs this Worker with each D1 database modelled as a queue instead.
  if (modelled(env)) return modelEnv(env);
  const profile = (env as unknown as { GEO_PROFILE?: string }).GEO_PROFILE ?? "same";
  if (!knownProfile(profile)) throw new Error(`GEO_PROFILE: unknown profile ${profile}`);
  state.profile = profile;
  const wrapped: Record<string, unknown> = { ...env, USERS: wrapNamespace(env.USERS, site), ADDRESSES: wrapNamespace(env.ADDRESSES, site) };
  // Every D1 database (the directory and each shard) is as far as the profile puts D1, and every
  // queue (the email and audit queues, several of each when EMAIL_QUEUES / AUDIT_QUEUES list them).
  for (const [name, value] of Object.entries(env)) {
    if (name === "DB" || name.startsWith("DB_SHARD_")) wrapped[name] = wrapD1(value as D1Database, site);
    else if (/^(EMAIL|AUDIT)_QUEUE(_\d+)?$/.test(name)) wrapped[name] = wrapQueue(value as Queue<unknown>, site);
  }
  return wrapped as unknown as Env;
}

/** Work after the answer is tracked, so that the counts are read only once it has finished. */
function trackedContext(ctx: ExecutionContext): ExecutionContext {
  return {
    waitUntil(promise: Promise<unknown>) {
      state.pendingAfter++;
      ctx.waitUntil(promise.finally(() => state.pendingAfter--));
    },
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
  } as ExecutionContext;
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

/**
 * The counts so far, once the work after the answers has finished (and, with `consumer`, the
 * consumer batches in flight).
 */
async function settledCounts(consumer: boolean) {
  const pending = () => state.pendingAfter + (consumer ? state.pendingConsumer : 0);
  const deadline = Date.now() + 30_000;
  while (pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return { profile: state.profile, delays: profileDelays(), pending: pending(), tally: state.tally, batches: state.batches };
}

async function geoRoute(request: Request, env: Env, pathname: string): Promise<Response> {
  wrapEnv(env, { phase: "before" });
  const consumer = new URL(request.url).searchParams.get("consumer") === "1";
  if (pathname === "/__geo/counts" && request.method === "GET") return json(await settledCounts(consumer));
  // Answers the counts it clears, so that a bench reads one sample's calls in one request.
  if (pathname === "/__geo/reset" && request.method === "POST") {
    const counts = await settledCounts(consumer);
    reset();
    return json(counts);
  }
  // The bench provisions with delays off: only the measured calls wait out the profile.
  if (pathname === "/__geo/delays" && request.method === "POST") {
    state.delaysOn = new URL(request.url).searchParams.get("on") === "1";
    return json({ delaysOn: state.delaysOn });
  }
  return new Response("not found", { status: 404 });
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/__geo/")) return geoRoute(request, env, pathname);
    if (pathname.startsWith("/__d1model/") && modelled(env)) return modelRoute(request, pathname);
    const site: CallSite = { phase: "before" };
    try {
      return await service.fetch(request, wrapEnv(env, site), trackedContext(ctx));
    } finally {
      site.phase = "after";
    }
  },
  async queue(batch, env, ctx) {
    // Audit batches are the requests' deferred writes: counted as work after the answer, not as
    // the email consumer's.
    if (!batch.queue.startsWith("edge-password-reset-email")) {
      state.pendingAfter++;
      try {
        return await service.queue(batch, wrapEnv(env, { phase: "after" }));
      } finally {
        state.pendingAfter--;
      }
    }
    const started = Date.now();
    state.pendingConsumer++;
    try {
      await service.queue(batch, wrapEnv(env, { phase: "consumer" }));
    } finally {
      state.pendingConsumer--;
      consumer.messages += batch.messages.length;
      state.batches.push({ messages: batch.messages.length, ms: Date.now() - started });
    }
  },
  async scheduled(controller, env, ctx) {
    await service.scheduled(controller, wrapEnv(env, { phase: "before" }), ctx);
  },
} satisfies ExportedHandler<Env>;

export class UserDurableObject extends ServiceUserDurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, wrapEnv(env, { phase: "object" }));
  }
}

export class PasswordResetService extends ServicePasswordResetService {
  constructor(ctx: ExecutionContext, env: Env) {
    super(ctx, wrapEnv(env, { phase: "before" }));
  }
}

export class AddressDurableObject extends ServiceAddressDurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, wrapEnv(env, { phase: "object" }));
  }
}
