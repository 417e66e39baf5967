/**
 * The stack's `aws:` settings, with the meaning pulumi-aws v7 gives them, read from the config the
 * engine passes to the provider's `configure`. Values set with `pulumi config set --path` or as JSON
 * arrive as JSON text. A setting that would change which account or endpoint is used and that this
 * package does not support is refused by name, so that a stack never silently deploys into whatever
 * account the environment happens to hold.
 *
 * Secrets (`aws:secretKey`, `aws:token`, external IDs) are kept in this process only: never echoed in
 * a message, never written to state or outputs.
 */
import { isAwsReserved } from "../model/tags";
import type { Tags } from "../model/types";
import { accountIdOf, accountIdProblem } from "../model/validate";

/** One role of `aws:assumeRoles` (pulumi-aws v7's `ProviderAssumeRole`), or of a resource's `assumeRole`. */
export interface RoleSetting {
    roleArn: string;
    externalId?: string;
    sessionName?: string;
    durationSeconds?: number;
    policy?: string;
    policyArns?: string[];
    sourceIdentity?: string;
    tags?: Tags;
    transitiveTagKeys?: string[];
}

export interface Settings {
    region?: string;
    profile?: string;
    /** Static credentials (`aws:accessKey`, `aws:secretKey`, `aws:token`); secret. */
    staticCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    /** Roles assumed in order on top of the base credentials. */
    assumeRoles: RoleSetting[];
    allowedAccountIds?: string[];
    forbiddenAccountIds?: string[];
    /** `aws:defaultTags.tags`: merged under every resource's tags. */
    defaultTags: Tags;
    /** `aws:ignoreTags`: tag keys never managed and never shown. */
    ignoreTags: { keys: string[]; keyPrefixes: string[] };
    /** The stack config `aws:skipRegionValidation`: accept regions the SDK's metadata does not list yet. */
    skipRegionValidation?: boolean;
    /**
     * The stack config `aws:skipCredentialsValidation` (pulumi-aws's name): a preview goes on without
     * checking the credentials (ARNs then show as unknown). Every change still checks the account.
     */
    skipCredentialsValidation?: boolean;
    /** This package's own stack config keys (`pulumi-aws-config-aggregation:*`): timeouts. */
    config?: Readonly<Record<string, unknown>>;
}

export const EMPTY_SETTINGS: Settings = Object.freeze({
    assumeRoles: [],
    defaultTags: {},
    ignoreTags: { keys: [], keyPrefixes: [] },
}) as Settings;

/** The settings this package reads (README "Stack settings"). */
export const SUPPORTED = [
    "aws:region",
    "aws:profile",
    "aws:accessKey",
    "aws:secretKey",
    "aws:token",
    "aws:assumeRoles",
    "aws:allowedAccountIds",
    "aws:forbiddenAccountIds",
    "aws:defaultTags",
    "aws:ignoreTags",
] as const;

/**
 * Settings that pulumi-aws reads and that would change which account, credentials or endpoint a call
 * uses, and that this package does not support: each is refused by name, with what to do instead.
 */
export const REFUSED: Record<string, string> = {
    "aws:assumeRole": "pulumi-aws v7 replaced it with aws:assumeRoles (a list of roles assumed in order); set that instead",
    "aws:assumeRoleWithWebIdentity":
        "set AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and optionally AWS_ROLE_SESSION_NAME in the environment instead (the AWS SDK's web identity provider reads them when neither the environment nor the stack config holds an access key)",
    "aws:endpoints": "set AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL) in the environment instead",
    "aws:sharedCredentialsFiles": "set AWS_SHARED_CREDENTIALS_FILE (one file) in the environment instead",
    "aws:sharedConfigFiles": "set AWS_CONFIG_FILE (one file) in the environment instead",
    "aws:stsRegion":
        "STS is called in the stack's aws:region to assume the roles of aws:assumeRoles, else in the source region of each authorization; remove the setting",
    "aws:useFipsEndpoint": "set AWS_USE_FIPS_ENDPOINT=true in the environment instead",
    "aws:useDualstackEndpoint": "set AWS_USE_DUALSTACK_ENDPOINT=true in the environment instead",
    "aws:httpProxy": "proxies are not supported; remove the setting",
    "aws:httpsProxy": "proxies are not supported; remove the setting",
    "aws:noProxy": "proxies are not supported; remove the setting",
    "aws:customCaBundle":
        "set NODE_EXTRA_CA_CERTS to the bundle's file in the environment instead (Node.js then trusts its certificates besides its own; the AWS SDK for JavaScript v3 does not read AWS_CA_BUNDLE)",
    "aws:insecure": "TLS verification cannot be turned off; remove the setting",
    "aws:ec2MetadataServiceEndpoint": "set AWS_EC2_METADATA_SERVICE_ENDPOINT in the environment instead",
    "aws:ec2MetadataServiceEndpointMode": "set AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE in the environment instead",
    "aws:skipMetadataApiCheck":
        "set AWS_EC2_METADATA_DISABLED=true in the environment instead (the AWS SDK then never asks the instance metadata service for credentials)",
    "aws:skipRequestingAccountId":
        'every change checks the account of the credentials first (docs/ownership-and-adoption.md, "Guarantees"); remove the setting',
};

/**
 * Refused boolean settings whose other value, `false`, asks for what this package does anyway: set
 * to `false` they are accepted and change nothing. Each with why, for the refusal of `true`.
 */
export const ACCEPTED_WHEN_FALSE: Readonly<Record<string, string>> = {
    "aws:useFipsEndpoint": "the SDK uses the standard endpoints unless AWS_USE_FIPS_ENDPOINT=true",
    "aws:useDualstackEndpoint": "the SDK uses IPv4-only endpoints unless AWS_USE_DUALSTACK_ENDPOINT=true",
    "aws:insecure": "TLS certificates are always verified",
    "aws:skipMetadataApiCheck": "the SDK's credential chain asks the instance metadata service last, unless AWS_EC2_METADATA_DISABLED=true",
    "aws:skipRequestingAccountId": "the account of the credentials is always asked",
};

/** The message refusing `key` set to `value` (a string as the engine passes it): what to do instead. */
export function refusal(key: string, value: string): string {
    const whenFalse = ACCEPTED_WHEN_FALSE[key];
    const set = whenFalse === undefined ? key : `${key} ${value.trim().toLowerCase() === "true" ? "true" : "set to anything but false"}`;
    return (
        `configuring pulumi-aws-config-aggregation: ${set} is not supported by pulumi-aws-config-aggregation ` +
        `(it would change which account or endpoint is used): ${REFUSED[key]}` +
        (whenFalse === undefined ? "." : `. ${key} false is accepted: ${whenFalse}.`)
    );
}

/** Thrown for a setting that is wrong or unsupported; names the key, never echoes a secret. */
export function settingError(key: string, reason: string): Error {
    return new Error(`configuring pulumi-aws-config-aggregation: ${key} ${reason}`);
}

/** An IAM role ARN: `arn:<partition>:iam::<account>:role/<path/name>`. */
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** AWS STS: RoleSessionName, 2–64 of `\w+=,.@-`. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** AWS STS: ExternalId, 2–1224 of `\w+=,.@:/-`. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The account a role ARN names, or undefined for something that is not a role ARN. */
export function roleAccount(roleArn: string): string | undefined {
    return ROLE_ARN.exec(roleArn)?.[2];
}

/** Why a role is unusable (`where` names the setting or input), or undefined when it is fine. Secrets are described, not echoed. */
export function roleProblem(
    where: string,
    role: unknown,
    fields: readonly string[] = ["roleArn", "externalId", "sessionName"],
): string | undefined {
    if (role === null || typeof role !== "object" || Array.isArray(role)) return `${where} must be an object with a roleArn`;
    const r = role as Record<string, unknown>;
    const unknownField = Object.keys(r).find((k) => !fields.includes(k));
    if (unknownField !== undefined) return `${where} has the unknown field "${unknownField}"; allowed: ${fields.join(", ")}`;
    if (typeof r.roleArn !== "string" || !ROLE_ARN.test(r.roleArn)) {
        return `${where}.roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/config-authorizer, got ${JSON.stringify(r.roleArn ?? null)}`;
    }
    if (r.externalId !== undefined && (typeof r.externalId !== "string" || !EXTERNAL_ID.test(r.externalId))) {
        const len = typeof r.externalId === "string" ? `a string of ${r.externalId.length} characters` : `a ${typeof r.externalId}`;
        return `${where}.externalId must be 2–1224 letters, digits or _+=,.@:/- (AWS STS), got ${len}`;
    }
    if (r.sessionName !== undefined && (typeof r.sessionName !== "string" || !SESSION_NAME.test(r.sessionName))) {
        return `${where}.sessionName must be 2–64 letters, digits or _+=,.@- (AWS STS), got ${JSON.stringify(r.sessionName)}`;
    }
    return undefined;
}

function json(key: string, text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw settingError(key, `must be JSON (set it with \`pulumi config set --path\` or as a JSON value); it is not`);
    }
}

function stringList(key: string, value: unknown, item: RegExp | undefined, what: string): string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || (item && !item.test(v)))) {
        throw settingError(key, `must be a list of ${what}, got ${JSON.stringify(value)}`);
    }
    return value as string[];
}

/**
 * A list of account IDs, as pulumi-aws takes it: 12-digit strings, or numbers where
 * `pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012` stored them; each as its 12-digit string.
 */
function accountList(key: string, value: unknown): string[] {
    if (!Array.isArray(value))
        throw settingError(
            key,
            `must be a list of 12-digit account IDs (pulumi config set --path '${key}[0]' 123456789012), got ${JSON.stringify(value)}`,
        );
    return value.map((v, i) => {
        const problem = accountIdProblem(`${key}[${i}]`, v);
        if (problem !== undefined) throw settingError(`${key}[${i}]`, problem.slice(`${key}[${i}] `.length));
        return accountIdOf(v)!;
    });
}

/** Go's duration syntax as pulumi-aws takes it ("1h", "15m", "1h30m", "900s"), in seconds. */
function durationSeconds(key: string, value: unknown): number {
    const m = typeof value === "string" ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value) : null;
    const seconds = m && value !== "" ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
    if (!(seconds >= 900 && seconds <= 43200)) {
        throw settingError(key, `must be a duration between 15m and 12h such as "1h" (pulumi-aws's syntax), got ${JSON.stringify(value)}`);
    }
    return seconds;
}

const ASSUME_ROLE_FIELDS = [
    "roleArn",
    "externalId",
    "sessionName",
    "duration",
    "durationSeconds",
    "policy",
    "policyArns",
    "sourceIdentity",
    "tags",
    "transitiveTagKeys",
] as const;

function assumeRoles(text: string): RoleSetting[] {
    const key = "aws:assumeRoles";
    const list = json(key, text);
    if (!Array.isArray(list))
        throw settingError(key, "must be a list of roles ({roleArn, externalId?, sessionName?, duration?, …}), assumed in order");
    return list.map((r: Record<string, unknown>, i) => {
        const where = `${key}[${i}]`;
        const problem = roleProblem(where, r, ASSUME_ROLE_FIELDS);
        if (problem) throw settingError(where, problem.slice(where.length + 1));
        const role: RoleSetting = { roleArn: r.roleArn as string };
        if (r.externalId !== undefined) role.externalId = r.externalId as string;
        if (r.sessionName !== undefined) role.sessionName = r.sessionName as string;
        if (r.duration !== undefined) role.durationSeconds = durationSeconds(`${where}.duration`, r.duration);
        if (r.durationSeconds !== undefined) {
            const n = r.durationSeconds;
            if (typeof n !== "number" || !Number.isInteger(n) || n < 900 || n > 43200) {
                throw settingError(
                    `${where}.durationSeconds`,
                    `must be a whole number of seconds from 900 to 43200, got ${JSON.stringify(n)}`,
                );
            }
            role.durationSeconds = n;
        }
        if (r.policy !== undefined) {
            if (typeof r.policy !== "string") throw settingError(`${where}.policy`, "must be an IAM policy document as JSON text");
            role.policy = r.policy;
        }
        if (r.policyArns !== undefined) role.policyArns = stringList(`${where}.policyArns`, r.policyArns, /^arn:/, "policy ARNs");
        if (r.sourceIdentity !== undefined) {
            if (typeof r.sourceIdentity !== "string") throw settingError(`${where}.sourceIdentity`, "must be a string");
            role.sourceIdentity = r.sourceIdentity;
        }
        if (r.tags !== undefined) role.tags = tagMap(`${where}.tags`, r.tags);
        if (r.transitiveTagKeys !== undefined)
            role.transitiveTagKeys = stringList(`${where}.transitiveTagKeys`, r.transitiveTagKeys, undefined, "tag keys");
        return role;
    });
}

function tagMap(key: string, value: unknown): Tags {
    if (value === null || typeof value !== "object" || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) {
        throw settingError(key, `must be a map of tag keys to string values`);
    }
    return Object.fromEntries(Object.entries(value as Tags));
}

/**
 * Reads the settings from the stack config (`get("aws:region")` etc.: strings, JSON text for
 * structured values). Throws, naming the key, on a refused setting or a malformed value.
 */
export function parseSettings(get: (key: string) => string | undefined): Settings {
    for (const key of Object.keys(REFUSED)) {
        const value = get(key);
        if (value === undefined) continue;
        if (ACCEPTED_WHEN_FALSE[key] !== undefined && value.trim().toLowerCase() === "false") continue;
        throw new Error(refusal(key, value));
    }
    const s: Settings = { assumeRoles: [], defaultTags: {}, ignoreTags: { keys: [], keyPrefixes: [] } };
    const region = get("aws:region");
    if (region !== undefined) s.region = region;
    const profile = get("aws:profile");
    if (profile !== undefined) s.profile = profile;

    const accessKey = get("aws:accessKey");
    const secretKey = get("aws:secretKey");
    const token = get("aws:token");
    if ((accessKey === undefined) !== (secretKey === undefined)) {
        const [set, missing] = accessKey === undefined ? ["aws:secretKey", "aws:accessKey"] : ["aws:accessKey", "aws:secretKey"];
        throw settingError(missing, `is missing: ${set} is set, and static credentials need both (set ${missing} with --secret)`);
    }
    if (token !== undefined && accessKey === undefined) {
        throw settingError("aws:token", "is set without aws:accessKey and aws:secretKey; a session token only goes with them");
    }
    if (accessKey !== undefined) {
        s.staticCredentials = {
            accessKeyId: accessKey,
            secretAccessKey: secretKey!,
            ...(token !== undefined ? { sessionToken: token } : {}),
        };
    }

    const roles = get("aws:assumeRoles");
    if (roles !== undefined) s.assumeRoles = assumeRoles(roles);

    for (const key of ["aws:allowedAccountIds", "aws:forbiddenAccountIds"] as const) {
        const text = get(key);
        if (text === undefined) continue;
        const list = accountList(key, json(key, text));
        if (key === "aws:allowedAccountIds") s.allowedAccountIds = list;
        else s.forbiddenAccountIds = list;
    }
    if (s.allowedAccountIds && s.forbiddenAccountIds) {
        throw settingError(
            "aws:forbiddenAccountIds",
            "cannot be set together with aws:allowedAccountIds (pulumi-aws refuses the same); keep one",
        );
    }

    const defaults = get("aws:defaultTags");
    if (defaults !== undefined) {
        const v = json("aws:defaultTags", defaults) as Record<string, unknown>;
        if (v === null || typeof v !== "object" || Array.isArray(v) || Object.keys(v).some((k) => k !== "tags")) {
            throw settingError("aws:defaultTags", `must be an object {"tags": {...}}, as pulumi-aws takes it`);
        }
        s.defaultTags = v.tags === undefined ? {} : tagMap("aws:defaultTags.tags", v.tags);
        const reserved = Object.keys(s.defaultTags).find(isAwsReserved);
        if (reserved !== undefined)
            throw settingError("aws:defaultTags.tags", `must not hold keys starting with "aws:" (reserved for AWS), got "${reserved}"`);
        // Pulumi's Node.js runtime drops a map key named __proto__ from the outputs (tagsAll) the
        // provider returns, so every up would see it missing and tag again; refused by name instead.
        if (Object.hasOwn(s.defaultTags, "__proto__"))
            throw settingError(
                "aws:defaultTags.tags",
                `must not hold the key "__proto__": Pulumi's Node.js SDK drops a map key of that name on its way to the engine; use another key`,
            );
    }
    const ignore = get("aws:ignoreTags");
    if (ignore !== undefined) {
        const v = json("aws:ignoreTags", ignore) as Record<string, unknown>;
        if (v === null || typeof v !== "object" || Array.isArray(v) || Object.keys(v).some((k) => k !== "keys" && k !== "keyPrefixes")) {
            throw settingError("aws:ignoreTags", `must be an object {"keys": [...], "keyPrefixes": [...]}, as pulumi-aws takes it`);
        }
        s.ignoreTags = {
            keys: v.keys === undefined ? [] : stringList("aws:ignoreTags.keys", v.keys, undefined, "tag keys"),
            keyPrefixes:
                v.keyPrefixes === undefined ? [] : stringList("aws:ignoreTags.keyPrefixes", v.keyPrefixes, undefined, "tag key prefixes"),
        };
    }
    return s;
}
