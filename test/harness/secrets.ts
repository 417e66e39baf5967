/**
 * The fake secrets the tests use, in one place: the leak scan (`leaks.ts`) looks for every one of
 * them in every message the unit and provider tiers produce. Each is distinctive enough that a
 * match can only be a leak.
 */
export const FAKE_SECRETS = {
    /** AWS_SECRET_ACCESS_KEY of the tests' credentials. */
    secretAccessKey: "testing-secret-not-real-0b5e7",
    /** AWS_SESSION_TOKEN of the tests' credentials. */
    sessionToken: "testing-session-token-9c41d",
    /** The password in the userinfo of an endpoint URL (http://user:password@host). */
    userinfoPassword: "userinfo-password-not-real-3f2a",
    /** A tag value the tests treat as a Pulumi secret. */
    tagValue: "tag-secret-value-not-real-7e1c",
    /** The secret access key of the tests' shared credentials file profile. */
    profileSecret: "profile-secret-not-real-58d0",
} as const;

export const CREDENTIALS_ENV = {
    AWS_ACCESS_KEY_ID: "AKIDTESTINGONLY00000",
    AWS_SECRET_ACCESS_KEY: FAKE_SECRETS.secretAccessKey,
    AWS_SESSION_TOKEN: FAKE_SECRETS.sessionToken,
};
