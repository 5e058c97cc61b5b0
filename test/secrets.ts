// Secrets the test runtime gets in place of .dev.vars, so tests never depend on a developer's file.
export const TEST_SECRETS = {
  ENVIRONMENT: "development",
  ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
  PASSWORD_PEPPER: "p1:test-pepper-0123456789abcdef0123456789",
  SECRET_HASH_KEY: "h1:test-secret-hash-key-0123456789abcdef",
  JWT_SIGNING_KEY: JSON.stringify({
    kty: "EC",
    x: "IAtbRBIqbXjjwjEr7WsePNQLYZeBtOKwxBB39u4iuDg",
    y: "TN7pjWLO7IHsjk_bjVj7FwjbTueZ_Qb4mpVMDitXM6U",
    crv: "P-256",
    d: "yTooss_DS1JiwxxWLpLQqVCVP4z-TVlPTXsMl3oEL-A",
    kid: "test-es256-1",
    alg: "ES256",
  }),
  // An external issuer trusted by JWKS URL; its keys are served by test/fixtures/host-app.js. It is
  // bound to an application no test creates: test/auth/external-issuer.test.ts binds it per test.
  TRUSTED_ISSUERS: JSON.stringify([
    { issuer: "https://idp.example", jwksUrl: "https://idp.example/idp/jwks.json", applicationId: "unboundapplication000000000", permissions: [] },
  ]),
  DEV_CLIENT_ID: "democlient0000000000000000",
  DEV_CLIENT_SECRET: "test-dev-client-secret-0123456789",
  // Cloudflare's Turnstile test keys: this site key always hands out the dummy token, this secret always passes it.
  TURNSTILE_SITE_KEY: "1x00000000000000000000AA",
  TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA",
};

/** The external issuer's private key; its public half is in test/fixtures/host-app.js. */
export const EXTERNAL_IDP_KEY = {
  kty: "EC",
  x: "hhwJ0JCq3c5ICypck_iW75woFroF2_y_3ao16yxaa60",
  y: "wLYT1Otpd0LiBJaifOmnubVgGjSFXMShNU_VDdUq6I0",
  crv: "P-256",
  d: "RNb08ZzAhlkY-AsWk2bYRBsKJAvG7kISDjHP7lQxQDs",
  kid: "external-idp-1",
  alg: "ES256",
};
