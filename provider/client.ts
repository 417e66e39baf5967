/**
 * AWS clients, created inside the provider process (never captured in the serialized provider),
 * one per source region and profile, and every call made through `send`, which translates
 * failures into errors that name the operation, the resource and the missing permission.
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { translate, type Verb } from "./errors";
import { Backoff } from "./retry";

/** Settings that come from the stack (`configure`) rather than from a resource's inputs. */
export interface Settings {
    /** The `aws:profile` stack config, if set; otherwise the SDK's own chain (AWS_PROFILE, …). */
    profile?: string;
    /** The stack config `aws:skipRegionValidation`: accept regions the SDK's metadata does not list yet. */
    skipRegionValidation?: boolean;
}

const settings: Settings = {};

/** Records the stack settings the engine passes to the provider's `configure`. */
export function configureSettings(s: Settings): void {
    settings.profile = s.profile;
    settings.skipRegionValidation = s.skipRegionValidation;
    configClients.clear();
    accounts.clear();
}

/** The stack settings recorded by `configure`. */
export function currentSettings(): Readonly<Settings> {
    return settings;
}

/** Attempts per call (the SDK's standard retry: exponential backoff with jitter). `AWS_MAX_ATTEMPTS` overrides. */
export function maxAttempts(): number {
    const n = Number(process.env.AWS_MAX_ATTEMPTS);
    return Number.isInteger(n) && n > 0 ? n : 8;
}

const configClients = new Map<string, ConfigServiceClient>();
const accounts = new Map<string, Promise<string>>();

function common(region: string) {
    return {
        region,
        retryStrategy: new Backoff({ maxAttempts: maxAttempts() }),
        ...(settings.profile ? { profile: settings.profile } : {}),
    };
}

/** The AWS Config client for a source region. */
export function configClient(region: string): ConfigServiceClient {
    let c = configClients.get(region);
    if (!c) {
        c = new ConfigServiceClient(common(region));
        configClients.set(region, c);
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
        return (await configClient(target.region).send(command as never)) as Out;
    } catch (err) {
        throw translate(err, {
            ...target,
            action: iamAction("config", command),
            endpoint: configEndpoint(target.region),
            profile: settings.profile,
        });
    }
}

/** The source account the credentials belong to, asked once per region and process (sts:GetCallerIdentity). */
export function sourceAccount(target: Target): Promise<string> {
    let account = accounts.get(target.region);
    if (!account) {
        // One call per region and process: the client is not kept, the answer is.
        account = new STSClient(common(target.region)).send(new GetCallerIdentityCommand({})).then(
            (r) => {
                if (!r.Account) throw new Error("sts:GetCallerIdentity returned no account");
                return r.Account;
            },
            (err) => {
                throw translate(err, {
                    ...target,
                    action: "sts:GetCallerIdentity",
                    endpoint:
                        process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL ?? `https://sts.${target.region}.amazonaws.com`,
                    profile: settings.profile,
                });
            },
        );
        // A failure is not cached: the next call asks again.
        account.catch(() => accounts.delete(target.region));
        accounts.set(target.region, account);
    }
    return account;
}
