// The floors `npm run bench` measures the service against, in the same runtime binary and under the
// same local server settings: `/derive` is one password derivation with the service's own function
// and parameters (pepper HMAC under its HKDF subkey, then PBKDF2-SHA256 at PBKDF2_ITERATIONS); any other path is an
// empty Worker, the most a request can cost less.
import { parseKeyList } from "../../src/config/key-list";
import { Keyring } from "../../src/crypto/keyring";
import { hashPassword } from "../../src/crypto/password-hash";

export default {
  async fetch(request: Request, env: { PASSWORD_PEPPER: string }): Promise<Response> {
    if (new URL(request.url).pathname === "/derive") {
      await hashPassword("a bench password of ordinary length", new Keyring(parseKeyList("PASSWORD_PEPPER", env.PASSWORD_PEPPER)));
      return new Response("derived");
    }
    return new Response("ok");
  },
};
