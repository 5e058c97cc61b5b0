// Refresh tokens handed to clients are `<userId>.<secret>`: the prefix routes to the user's
// Durable Object, which stores only a keyed hash of the secret.
import { ID_LENGTH } from "../../crypto/random";

export function formatRefreshToken(userId: string, secret: string): string {
  return `${userId}.${secret}`;
}

export function parseRefreshToken(token: string): { userId: string; secret: string } | null {
  const m = new RegExp(`^([a-z0-9]{${ID_LENGTH}})\\.([A-Za-z0-9_-]{20,})$`).exec(token);
  return m ? { userId: m[1]!, secret: m[2]! } : null;
}
