// Keys that rotate. Each configured secret (a kid and a secret) is the root of one HMAC subkey per
// purpose, derived with HKDF-SHA256, so no two uses ever share a key. A stored hash is
// `<kid>:<base64url HMAC>`: it names the key it was made under, so that after a new key is put
// first, older hashes still verify (and are re-hashed when they are used), and lookups by hash
// compute the value under every key still configured.
import { base64url } from "jose";
import type { KeyEntry } from "../config/key-list";
import { secretsEqual } from "./constant-time";

export type KeyPurpose =
  /** emailAuthCode, requestCode, passwordResetCode (looked up by hash). */
  | "reset-code"
  /** An OTP request's verificationCode. */
  | "otp"
  /** Tenant and folded email, for the per-user failure limit and supersession. */
  | "subject"
  | "client-secret"
  | "refresh-token"
  /** The password pepper: PBKDF2 runs over HMAC(pepper subkey, password). */
  | "password-pepper"
  /** The hosted pages' per-form anti-forgery tokens. */
  | "form-token"
  /** An email job's codes, derived from its id so that every attempt sends the same ones. */
  | "email-code";

const encoder = new TextEncoder();
/** HKDF `info`: the purpose, under a versioned label of this service. */
const INFO_LABEL = "edge-password-reset/v1/";

async function deriveHmacKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(INFO_LABEL + purpose) },
    root,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

export class Keyring {
  /** Imported once per isolate: the keyring lives in the cached service configuration. */
  private readonly subkeys = new Map<string, Promise<CryptoKey>>();
  private readonly secrets: ReadonlyMap<string, string>;
  /** Key ids, the current first. */
  readonly kids: readonly string[];

  constructor(entries: readonly KeyEntry[]) {
    if (entries.length === 0) throw new Error("A keyring needs at least one key");
    this.kids = entries.map((e) => e.kid);
    this.secrets = new Map(entries.map((e) => [e.kid, e.secret]));
  }

  get currentKid(): string {
    return this.kids[0]!;
  }

  knows(kid: string): boolean {
    return this.secrets.has(kid);
  }

  private subkey(kid: string, purpose: KeyPurpose): Promise<CryptoKey> {
    const id = `${purpose}/${kid}`;
    let key = this.subkeys.get(id);
    if (!key) {
      const secret = this.secrets.get(kid);
      if (secret === undefined) throw new Error("Unknown key id");
      key = deriveHmacKey(secret, purpose);
      this.subkeys.set(id, key);
    }
    return key;
  }

  /** HMAC-SHA256 of `message` under the purpose's subkey of key `kid` (the current key by default). */
  async mac(purpose: KeyPurpose, message: string, kid = this.currentKid): Promise<Uint8Array> {
    return new Uint8Array(await crypto.subtle.sign("HMAC", await this.subkey(kid, purpose), encoder.encode(message)));
  }

  /** The stored form, under the current key: `<kid>:<base64url HMAC>`. */
  async hash(purpose: KeyPurpose, message: string, kid = this.currentKid): Promise<string> {
    return `${kid}:${base64url.encode(await this.mac(purpose, message, kid))}`;
  }

  /** The stored form under every configured key, current first: what a lookup by hash must try. */
  hashes(purpose: KeyPurpose, message: string): Promise<string[]> {
    return Promise.all(this.kids.map((kid) => this.hash(purpose, message, kid)));
  }

  /**
   * Whether `stored` is the hash of `message` under the key it names, compared in constant time.
   * `stale`: it was made under an older key and should be replaced by `hash()`. A hash under a key
   * no longer configured never verifies.
   */
  async verify(purpose: KeyPurpose, message: string, stored: string): Promise<{ valid: boolean; stale: boolean }> {
    const kid = stored.slice(0, Math.max(0, stored.indexOf(":")));
    const known = this.knows(kid);
    // An unknown kid still spends one HMAC, so the answer takes the same time.
    const presented = await this.hash(purpose, message, known ? kid : this.currentKid);
    const valid = known && secretsEqual(presented, stored);
    return { valid, stale: valid && kid !== this.currentKid };
  }
}
