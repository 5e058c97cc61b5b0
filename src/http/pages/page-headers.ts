// The headers of every page: uncacheable elsewhere (noStore), unframeable, referrer-free, with a
// CSP that allows only the page's own nonce'd stylesheet and the tenant's https logo.
import { NONCE, secureHeaders } from "hono/secure-headers";

const POLICY = {
  defaultSrc: ["'none'"],
  styleSrc: [NONCE],
  // Logos are the tenant's own https images; nothing else is loaded.
  imgSrc: ["'self'", "https:"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export const pageHeaders = secureHeaders({ contentSecurityPolicy: POLICY, referrerPolicy: "no-referrer", xFrameOptions: "DENY" });
