// Secrets the test runtime gets in place of .dev.vars, so tests never depend on a developer's file.
export const TEST_SECRETS = {
  ENVIRONMENT: "development",
  ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
  PASSWORD_PEPPER: "test-pepper-0123456789abcdef0123456789",
  SECRET_HASH_KEY: "test-secret-hash-key-0123456789abcdef",
  JWT_SIGNING_KEY: JSON.stringify({
    kty: "EC",
    x: "IAtbRBIqbXjjwjEr7WsePNQLYZeBtOKwxBB39u4iuDg",
    y: "TN7pjWLO7IHsjk_bjVj7FwjbTueZ_Qb4mpVMDitXM6U",
    crv: "P-256",
    d: "yTooss_DS1JiwxxWLpLQqVCVP4z-TVlPTXsMl3oEL-A",
    kid: "test-es256-1",
    alg: "ES256",
  }),
  DEV_CLIENT_ID: "democlient0000000000000000",
  DEV_CLIENT_SECRET: "test-dev-client-secret-0123456789",
};
