// The user objects and the email queue as seen from a far location: each RPC or fetch to an object,
// and each send to the queue, is one counted, delayed round trip.
import { type CallSite, roundTrip } from "./tally";

/** A stub whose every method call (RPC or fetch) is one round trip to the object. */
function stub<T extends Rpc.DurableObjectBranded | undefined>(real: DurableObjectStub<T>, site: CallSite): DurableObjectStub<T> {
  return new Proxy(real, {
    get(target, prop) {
      // Plain properties of a stub; `then` must stay undefined or the stub would look like a promise.
      if (prop === "id" || prop === "name" || prop === "then" || typeof prop === "symbol") return Reflect.get(target, prop);
      return async (...args: unknown[]) => {
        await roundTrip(site, "durableObject");
        return (Reflect.get(target, prop) as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}

export function wrapNamespace<T extends Rpc.DurableObjectBranded | undefined>(real: DurableObjectNamespace<T>, site: CallSite): DurableObjectNamespace<T> {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => stub((Reflect.get(target, prop) as (...a: unknown[]) => DurableObjectStub<T>).apply(target, args), site);
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export function wrapQueue<T>(real: Queue<T>, site: CallSite): Queue<T> {
  return {
    async send(body: T, options?: QueueSendOptions) {
      await roundTrip(site, "queue");
      return real.send(body, options);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<T>>, options?: QueueSendBatchOptions) {
      await roundTrip(site, "queue");
      return real.sendBatch(messages, options);
    },
  } as unknown as Queue<T>;
}
