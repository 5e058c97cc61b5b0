export declare const SECRET_NAMES: readonly ["ADMIN_TOKEN", "PASSWORD_PEPPER", "SECRET_HASH_KEY", "JWT_SIGNING_KEY"];
export type SecretName = (typeof SECRET_NAMES)[number];
export declare function productionSecrets(now?: Date): Promise<Record<SecretName, string>>;
