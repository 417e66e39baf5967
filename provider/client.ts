/**
 * AWS clients, created inside the provider process (never captured in the serialized provider),
 * one per credentials identity and source region, and every call made through `send`, which translates
 * failures into errors that name the operation, the resource and the missing permission.
 *
 * The credentials of a call are the stack's (`aws:accessKey`…, `aws:profile`, or the SDK's default
 * chain), then every role of `aws:assumeRoles` in order, then the resource's own `assumeRole`, each
 * assumed with the SDK's `fromTemporaryCredentials` and refreshed before it expires. They live in this
 * process only. The send-rate limiter is shared by every client of one (account, region), the unit
 * AWS rate-limits by.
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { createHash } from "node:crypto";
import { authorizationError, translate, type Verb } from "./errors";
import { Backoff } from "./retry";
import { EMPTY_SETTINGS, roleAccount, type RoleSetting, type Settings } from "./settings";

let settings: Settings = EMPTY_SETTINGS;
/**
 * Why the stack's settings were refused, if they were. Pulumi's dynamic-provider host keeps a
 * provider whose `configure` threw and goes on using it unconfigured for the next resources, so
 * the refusal is kept here and every later operation fails with it instead of running with no
 * settings (no aws:allowedAccountIds, no roles, the environment's account).
 */
let refused: Error | undefined;

/** The stack settings in force (from `configure`); throws the refusal when they were refused. */
export function currentSettings(): Settings {
    if (refused) throw refused;
    return settings;
}

/** Records that the stack's settings were refused: every later operation fails with `err`. */
export function refuseSettings(err: Error): void {
    refused = err;
    settings = EMPTY_SETTINGS;
    configClients.clear();
    accounts.clear();
    chains.clear();
}

/** The refusal of the stack's settings, if any. */
export function settingsRefusal(): Error | undefined {
    return refused;
}

/** Records the stack settings the engine passes to the provider's `configure`, and forgets every client. */
export function configureSettings(s: Partial<Settings>): void {
    refused = undefined;
    settings = { ...EMPTY_SETTINGS, ...s };
    configClients.clear();
    accounts.clear();
    chains.clear();
    limiters.clear();
}

/** The stack's own credentials, for messages: where they come from, never what they are. */
function baseCredentials(): string {
    if (settings.staticCredentials) return "the aws:accessKey/aws:secretKey stack config";
    if (settings.profile) return `profile "${settings.profile}" from the aws:profile stack config`;
    if (process.env.AWS_PROFILE) return `profile "${process.env.AWS_PROFILE}" from AWS_PROFILE`;
    if (process.env.AWS_ACCESS_KEY_ID) return "the AWS_ACCESS_KEY_ID environment variable";
    return "the AWS SDK's default credential chain";
}

/** The credentials a call with `role` uses, for messages: the stack's, then each role assumed from them. */
export function credentialsInUse(role?: RoleSetting): string {
    const roles = [
        ...settings.assumeRoles.map((r, i) => `role ${r.roleArn} (aws:assumeRoles[${i}])`),
        ...(role ? [`role ${role.roleArn}`] : []),
    ];
    return roles.length ? `${roles.reverse().join(" assumed from ")} assumed from ${baseCredentials()}` : baseCredentials();
}

/** Attempts per call (the SDK's standard retry: exponential backoff with jitter). `AWS_MAX_ATTEMPTS` overrides. */
export function maxAttempts(): number {
    const n = Number(process.env.AWS_MAX_ATTEMPTS);
    return Number.isInteger(n) && n > 0 ? n : 8;
}

const configClients = new Map<string, ConfigServiceClient>();
const accounts = new Map<string, Promise<string>>();
/** Credential providers by identity (see `identity`). */
const chains = new Map<string, AwsCredentialIdentityProvider>();
/** One retry strategy, hence one send-rate limiter, per (account, region). */
const limiters = new Map<string, Backoff>();

/** Marks a failure to assume a role, so that `send` and `sourceAccount` can name the role. */
const ROLE_FAILURE = "__assumeRoleFailure";
interface RoleFailure extends Error {
    [ROLE_FAILURE]: { roleArn: string; from: string };
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/**
 * Which credentials a call with `role` uses, as a key without secrets: the base (a hash of a static
 * key, a profile, or the default chain) and every role (its ARN, session name and a hash of its
 * external ID). Two calls with the same key act as the same principal.
 */
export function identity(role?: RoleSetting): string {
    const c = settings.staticCredentials;
    const base = c ? `static:${hash(c.accessKeyId)}` : settings.profile ? `profile:${settings.profile}` : "default";
    const link = (r: RoleSetting) => `${r.roleArn}|${r.sessionName ?? ""}|${r.externalId === undefined ? "" : hash(r.externalId)}`;
    return [base, ...settings.assumeRoles.map(link), ...(role ? [link(role)] : [])].join(" > ");
}

/** Caches what `provider` gives until 5 minutes before it expires; one refresh at a time; a failure is not kept. */
export function refreshing(provider: AwsCredentialIdentityProvider, now: () => number = Date.now): AwsCredentialIdentityProvider {
    let value: AwsCredentialIdentity | undefined;
    let pending: Promise<AwsCredentialIdentity> | undefined;
    return () => {
        if (value && (!value.expiration || value.expiration.getTime() - now() > 5 * 60 * 1000)) return Promise.resolve(value);
        pending ??= provider().then(
            (v) => ((value = v), (pending = undefined), v),
            (e) => {
                pending = undefined;
                throw e;
            },
        );
        return pending;
    };
}

/** The credential provider for `role` on top of the stack's credentials, or undefined for the SDK's default handling. */
function credentialsFor(region: string, role?: RoleSetting): AwsCredentialIdentityProvider | undefined {
    const roles = [...settings.assumeRoles, ...(role ? [role] : [])];
    if (!roles.length && !settings.staticCredentials) return undefined; // the client's own chain, with aws:profile
    const key = identity(role);
    const chain = chains.get(key);
    if (chain) return chain;
    const s = settings.staticCredentials;
    let current: AwsCredentialIdentityProvider = s
        ? async () => ({ ...s })
        : fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {});
    let from = baseCredentials();
    for (const r of roles) {
        const assume = fromTemporaryCredentials({
            masterCredentials: current,
            params: {
                RoleArn: r.roleArn,
                RoleSessionName: r.sessionName ?? "pulumi-aws-config-aggregation",
                ...(r.externalId !== undefined ? { ExternalId: r.externalId } : {}),
                ...(r.durationSeconds !== undefined ? { DurationSeconds: r.durationSeconds } : {}),
                ...(r.policy !== undefined ? { Policy: r.policy } : {}),
                ...(r.policyArns ? { PolicyArns: r.policyArns.map((arn) => ({ arn })) } : {}),
                ...(r.sourceIdentity !== undefined ? { SourceIdentity: r.sourceIdentity } : {}),
                ...(r.tags ? { Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
                ...(r.transitiveTagKeys ? { TransitiveTagKeys: r.transitiveTagKeys } : {}),
            },
            clientConfig: { region: settings.region ?? region, maxAttempts: maxAttempts() },
        });
        const assumedFrom = from;
        current = refreshing(async () => {
            try {
                return await assume();
            } catch (err) {
                if ((err as RoleFailure)?.[ROLE_FAILURE]) throw err; // an earlier role of the chain failed
                const failure = Object.assign(err as Error, { [ROLE_FAILURE]: { roleArn: r.roleArn, from: assumedFrom } });
                throw failure;
            }
        });
        from = `role ${r.roleArn} assumed from ${from}`;
    }
    chains.set(key, current);
    return current;
}

/** The message for a role that could not be assumed: the role, its account, and the credentials it was assumed from. */
function roleError(err: unknown, target: Target): Error | undefined {
    const failure = (err as RoleFailure | undefined)?.[ROLE_FAILURE];
    if (!failure) return undefined;
    const e = err as { name?: string; message?: string };
    return Object.assign(
        authorizationError(
            target.verb,
            target.resource,
            `could not assume role ${failure.roleArn} in account ${roleAccount(failure.roleArn)} from ${failure.from} ` +
                `(${e.name ?? "Error"}${e.message ? `: ${e.message}` : ""}). Pulumi changed nothing. Check that the role exists, that its trust ` +
                `policy lets those credentials assume it (with the external ID, if it requires one), and that they may call sts:AssumeRole on it.`,
            "AssumeRoleFailed",
        ),
        { cause: err },
    );
}

function limiter(account: string, region: string): Backoff {
    const key = `${account}/${region}`;
    let b = limiters.get(key);
    if (!b) {
        b = new Backoff({ maxAttempts: maxAttempts() });
        limiters.set(key, b);
    }
    return b;
}

function common(region: string, role: RoleSetting | undefined, retry: Backoff) {
    const credentials = credentialsFor(region, role);
    return {
        region,
        retryStrategy: retry,
        ...(credentials ? { credentials } : settings.profile ? { profile: settings.profile } : {}),
    };
}

/** The AWS Config client for a call: one per credentials identity and source region, limited per (account, region). */
async function configClient(target: Target): Promise<ConfigServiceClient> {
    if (refused) throw refused;
    const key = `${identity(target.role)}@${target.region}`;
    let c = configClients.get(key);
    if (!c) {
        const account = await sourceAccount(target);
        c = configClients.get(key); // another call may have made it meanwhile
        if (!c) {
            c = new ConfigServiceClient(common(target.region, target.role, limiter(account, target.region)));
            configClients.set(key, c);
        }
    }
    return c;
}

/** The endpoint a Config call in `region` goes to, as the SDK resolves it from the environment. */
export function configEndpoint(region: string): string {
    return (
        process.env.AWS_ENDPOINT_URL_CONFIG_SERVICE ??
        process.env.AWS_ENDPOINT_URL ??
        `https://config.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`
    );
}

/** What a call is about, for its error message. */
export interface Target {
    verb: Verb;
    resource: string;
    region: string;
    /** The resource's own role (its `assumeRole` input), assumed after the stack's `aws:assumeRoles`. */
    role?: RoleSetting;
}

interface Command {
    readonly input: object;
    constructor: { name: string };
}

/** The IAM action of a command: `PutAggregationAuthorizationCommand` ⇒ `config:PutAggregationAuthorization`. */
export function iamAction(service: string, command: Command): string {
    return `${service}:${command.constructor.name.replace(/Command$/, "")}`;
}

/** Sends one Config command for `target`, translating any failure. */
export async function send<Out>(target: Target, command: Command): Promise<Out> {
    try {
        // The SDK's `send` is generic over every command of the client; one cast here keeps callers typed.
        return (await (await configClient(target)).send(command as never)) as Out;
    } catch (err) {
        throw (
            roleError(err, target) ??
            translate(err, {
                ...target,
                action: iamAction("config", command),
                endpoint: configEndpoint(target.region),
                profile: settings.profile,
            })
        );
    }
}

/**
 * The source account the credentials of `target` (the stack's, and its role if any) belong to, asked
 * once per credentials identity and region and process (sts:GetCallerIdentity).
 */
export function sourceAccount(target: Target): Promise<string> {
    if (refused) return Promise.reject(refused);
    const key = `${identity(target.role)}@${target.region}`;
    let account = accounts.get(key);
    if (!account) {
        // One call per identity and region: the client is not kept, the answer is.
        const sts = new STSClient({ ...common(target.region, target.role, new Backoff({ maxAttempts: maxAttempts() })) });
        account = sts.send(new GetCallerIdentityCommand({})).then(
            (r) => {
                if (!r.Account) throw new Error("sts:GetCallerIdentity returned no account");
                return r.Account;
            },
            (err) => {
                throw (
                    roleError(err, target) ??
                    translate(err, {
                        ...target,
                        action: "sts:GetCallerIdentity",
                        endpoint:
                            process.env.AWS_ENDPOINT_URL_STS ??
                            process.env.AWS_ENDPOINT_URL ??
                            `https://sts.${target.region}.amazonaws.com`,
                        profile: settings.profile,
                    })
                );
            },
        );
        // A failure is not cached: the next call asks again.
        account.catch(() => accounts.delete(key));
        accounts.set(key, account);
    }
    return account;
}

/** The retry strategy, and with it the send-rate limiter, of every client acting in `account` and `region`. */
export function rateLimiter(account: string, region: string): Backoff {
    return limiter(account, region);
}
