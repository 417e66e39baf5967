/**
 * AWS clients, created inside the provider process (never captured in the serialized provider),
 * one per source region and profile, and every call made through `send`, which translates
 * failures into errors that name the operation, the resource and the missing permission.
 *
 * Nothing waits for AWS without a bound: every HTTP request has a connection and a request timeout
 * (the SDK's own request-handler settings), every call a number of attempts and a total backoff,
 * and every provider operation a deadline, after which the call in flight is aborted and the
 * operation fails with a message naming the call, the region, the endpoint and the attempts made.
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { loadSharedConfigFiles } from "@smithy/core/config";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import * as os from "node:os";
import * as path from "node:path";
import { authorizationError, deadlineError, translate, type CallContext, type ProfileInfo, type Verb } from "./errors";
import { resolveLimits, type Limits, type ResolvedLimits } from "./limits";
import { Backoff } from "./retry";

/** Settings that come from the stack (`configure`) rather than from a resource's inputs. */
export interface Settings {
    /** The `aws:profile` stack config, if set; otherwise the SDK's own chain (AWS_PROFILE, …). */
    profile?: string;
    /** The stack config `aws:skipRegionValidation`: accept regions the SDK's metadata does not list yet. */
    skipRegionValidation?: boolean;
    /** This package's own stack config keys (`pulumi-aws-config-aggregation:*`): timeouts. */
    config?: Readonly<Record<string, unknown>>;
}

const settings: Settings = {};
let resolved: ResolvedLimits | undefined;

/** Records the stack settings the engine passes to the provider's `configure`, and reads the environment again. */
export function configureSettings(s: Settings): void {
    settings.profile = s.profile;
    settings.skipRegionValidation = s.skipRegionValidation;
    settings.config = s.config;
    resolved = undefined;
    configClients.clear();
    accounts.clear();
}

/** The credentials in use, for messages: the profile and where it was set, or the default chain. */
export function credentialsInUse(): string {
    if (settings.profile) return `profile "${settings.profile}" from the aws:profile stack config`;
    if (process.env.AWS_PROFILE) return `profile "${process.env.AWS_PROFILE}" from AWS_PROFILE`;
    if (process.env.AWS_ACCESS_KEY_ID) return "the AWS_ACCESS_KEY_ID environment variable";
    return "the AWS SDK's default credential chain";
}

/** The stack settings recorded by `configure`. */
export function currentSettings(): Readonly<Settings> {
    return settings;
}

/** The limits in effect (environment and stack config), and what is wrong with their settings. */
export function currentLimits(): ResolvedLimits {
    resolved ??= resolveLimits(process.env, settings.config);
    return resolved;
}

/** The limits in effect, or an error naming every bad setting (no AWS call is made with a setting that is wrong). */
function limitsFor(verb: Verb, resource: string): Limits {
    const { limits, problems } = currentLimits();
    if (problems.length) throw authorizationError(verb, resource, `${problems.join("; ")}.`, "InvalidSetting");
    return limits;
}

/** Attempts per call (exponential backoff with jitter). `AWS_MAX_ATTEMPTS` overrides; 1 to 20. */
export function maxAttempts(): number {
    return currentLimits().limits.maxAttempts;
}

const configClients = new Map<string, ConfigServiceClient>();
/** The account lookup of each region: shared by every operation that waits for it, with its attempts so far. */
const accounts = new Map<string, { account: Promise<string>; attempts: { readonly count: number; readonly endpoint?: string } }>();

function common(region: string, limits: Limits) {
    return {
        region,
        retryStrategy: new Backoff({ maxAttempts: limits.maxAttempts, maxTotalBackoffMs: limits.maxTotalBackoffMs }),
        requestHandler: new NodeHttpHandler({
            connectionTimeout: limits.connectTimeoutMs,
            requestTimeout: limits.requestTimeoutMs,
            // Without this the SDK only logs a warning when requestTimeout passes, and keeps waiting.
            throwOnRequestTimeout: true,
        }),
        ...(settings.profile ? { profile: settings.profile } : {}),
    };
}

/** The AWS Config client for a source region. */
export function configClient(region: string, limits: Limits = currentLimits().limits): ConfigServiceClient {
    let c = configClients.get(region);
    if (!c) {
        c = new ConfigServiceClient(common(region, limits));
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

function stsEndpoint(region: string): string {
    return process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL ?? `https://sts.${region}.amazonaws.com`;
}

/** The deadline of one provider operation: every call it makes is abandoned when it passes. */
export interface Deadline {
    readonly signal: AbortSignal;
    readonly timeoutMs: number;
}

/**
 * Runs one provider operation under its deadline (`PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS`):
 * `fn` passes the deadline on in its targets, and `send` aborts the call in flight when it passes.
 */
export async function withDeadline<T>(verb: Verb, resource: string, fn: (deadline: Deadline) => Promise<T>): Promise<T> {
    const { operationTimeoutMs } = limitsFor(verb, resource);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), operationTimeoutMs);
    try {
        return await fn({ signal: controller.signal, timeoutMs: operationTimeoutMs });
    } finally {
        clearTimeout(timer);
    }
}

/** What a call is about, for its error message, and the deadline of the operation it belongs to. */
export interface Target {
    verb: Verb;
    resource: string;
    region: string;
    deadline?: Deadline;
}

interface Command {
    readonly input: object;
    constructor: { name: string };
    middlewareStack?: { add(mw: unknown, options: object): void };
}

/** The IAM action of a command: `PutAggregationAuthorizationCommand` ⇒ `config:PutAggregationAuthorization`. */
export function iamAction(service: string, command: Command): string {
    return `${service}:${command.constructor.name.replace(/Command$/, "")}`;
}

/** Counts the attempts the SDK makes for `command` (a middleware inside the retry loop). */
function countAttempts(command: Command): { readonly count: number; readonly endpoint?: string } {
    const counter: { count: number; endpoint?: string } = { count: 0 };
    command.middlewareStack?.add(
        (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
            counter.count++;
            // The endpoint the SDK resolved for this call (FIPS, dual-stack, China and ISO partitions,
            // AWS_ENDPOINT_URL*): what messages name, rather than a host name built by hand.
            const request = (args as { request?: { protocol?: string; hostname?: string; port?: number } }).request;
            if (request?.hostname) {
                counter.endpoint = `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}`;
            }
            return next(args);
        },
        { step: "deserialize", priority: "low", name: "awsConfigAggregationAttemptCounter" },
    );
    return counter;
}

/**
 * Waits for `call` until the deadline passes, then rejects with the deadline error of `ctx`. The
 * call itself is aborted through the same signal (the SDK passes it to the HTTP request).
 */
function beforeDeadline<T>(call: Promise<T>, deadline: Deadline | undefined, ctx: () => CallContext, attempts: () => number): Promise<T> {
    if (!deadline) return call;
    call.catch(() => undefined); // the answer may come after the deadline: nobody waits for it then
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(deadlineError(ctx(), attempts(), deadline.timeoutMs));
        if (deadline.signal.aborted) return onAbort();
        deadline.signal.addEventListener("abort", onAbort, { once: true });
        call.then(resolve, reject).finally(() => deadline.signal.removeEventListener("abort", onAbort));
    });
}

/** Tag values in a request: AWS must not echo them back into a message. */
function secretsOf(command: Command): string[] {
    const tags = (command.input as { Tags?: { Value?: string }[] }).Tags;
    return Array.isArray(tags) ? tags.map((t) => t.Value ?? "").filter((v) => v !== "") : [];
}

/** The profile in effect, when it is named and exists in neither shared file. */
async function missingProfile(): Promise<ProfileInfo | undefined> {
    const name = settings.profile ?? process.env.AWS_PROFILE;
    if (!name) return undefined;
    const home = os.homedir();
    const configFile = process.env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config");
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials");
    try {
        const files = await loadSharedConfigFiles({ ignoreCache: true });
        if (Object.hasOwn(files.configFile ?? {}, name) || Object.hasOwn(files.credentialsFile ?? {}, name)) return undefined;
    } catch {
        return undefined; // unreadable files: the SDK's own error is the better guide
    }
    return { name, source: settings.profile ? "the aws:profile stack config" : "AWS_PROFILE", configFile, credentialsFile };
}

/** The context of a failed call, with what only I/O can tell (whether a named profile exists). */
async function callContext(target: Target, action: string, endpoint: string, err: unknown, limits: Limits, secrets: string[]) {
    const ctx: CallContext = {
        ...target,
        action,
        endpoint,
        profile: settings.profile,
        secrets,
        timeouts: { connectMs: limits.connectTimeoutMs, requestMs: limits.requestTimeoutMs },
    };
    if ((err as { name?: string })?.name === "CredentialsProviderError") ctx.missingProfile = await missingProfile();
    return ctx;
}

/** Sends one Config command for `target`, translating any failure. */
export async function send<Out>(target: Target, command: Command): Promise<Out> {
    const limits = limitsFor(target.verb, target.resource);
    const action = iamAction("config", command);
    const secrets = secretsOf(command);
    const attempts = countAttempts(command);
    // Before the SDK has built a request (no credentials, say), the endpoint it would use, as far as the environment says.
    const endpoint = () => attempts.endpoint ?? configEndpoint(target.region);
    const ctx = (): CallContext => ({ ...target, action, endpoint: endpoint(), profile: settings.profile, secrets });
    if (target.deadline?.signal.aborted) throw deadlineError(ctx(), 0, target.deadline.timeoutMs);
    try {
        // The SDK's `send` is generic over every command of the client; one cast here keeps callers typed.
        const call = configClient(target.region, limits).send(command as never, { abortSignal: target.deadline?.signal }) as Promise<Out>;
        return await beforeDeadline(call, target.deadline, ctx, () => attempts.count);
    } catch (err) {
        if (target.deadline?.signal.aborted) throw deadlineError(ctx(), attempts.count, target.deadline.timeoutMs);
        throw translate(err, await callContext(target, action, endpoint(), err, limits, secrets));
    }
}

/** The source account the credentials belong to, asked once per region and process (sts:GetCallerIdentity). */
export async function sourceAccount(target: Target, opts: { maxAttempts?: number } = {}): Promise<string> {
    const configured = limitsFor(target.verb, target.resource);
    // A best-effort lookup (check's, for previews) asks once and does not retry.
    const limits = opts.maxAttempts ? { ...configured, maxAttempts: Math.min(opts.maxAttempts, configured.maxAttempts) } : configured;
    const action = "sts:GetCallerIdentity";
    const shared = accounts.get(target.region);
    let attempts: { readonly count: number; readonly endpoint?: string } = shared?.attempts ?? { count: 0 };
    let account = shared?.account;
    if (!account) {
        // One call per region and process: the client is not kept, the answer is. The call is shared
        // by every operation that waits for it, so no single operation's deadline aborts it; its
        // HTTP timeouts and attempts bound it.
        const command = new GetCallerIdentityCommand({});
        attempts = countAttempts(command);
        account = new STSClient(common(target.region, limits)).send(command).then((r) => {
            if (!r.Account) throw new Error("sts:GetCallerIdentity returned no account");
            return r.Account;
        });
        // A failure is not cached: the next call asks again.
        account.catch(() => accounts.delete(target.region));
        accounts.set(target.region, { account, attempts });
    }
    const endpoint = () => attempts.endpoint ?? stsEndpoint(target.region);
    const ctx = (): CallContext => ({ ...target, action, endpoint: endpoint(), profile: settings.profile });
    try {
        return await beforeDeadline(account, target.deadline, ctx, () => attempts.count);
    } catch (err) {
        // Translated for this waiter, so the message names the resource that asked, not the first one.
        throw translate(err, await callContext(target, action, endpoint(), err, limits, []));
    }
}
