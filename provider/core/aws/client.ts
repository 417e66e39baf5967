/**
 * The AWS session of one run (`Aws`, made from the stack's settings by `configure`): clients created
 * inside the provider process (never captured in the serialized provider), one per credentials identity
 * and source region, and every call made through `send`, which translates failures into errors that
 * name the operation, the resource and the missing permission.
 *
 * Nothing waits for AWS without a bound: every HTTP request has a connection and a request timeout
 * (the SDK's own request-handler settings), every call a number of attempts and a total backoff,
 * and every provider operation a deadline, after which the call in flight is aborted and the
 * operation fails with a message naming the call, the region, the endpoint and the attempts made.
 *
 * The credentials of a call are the stack's (`aws:accessKey`…, `aws:profile`, or the SDK's default
 * chain), then every role of `aws:assumeRoles` in order, then the resource's own `assumeRole`, each
 * assumed with the SDK's `fromTemporaryCredentials` and refreshed before it expires. They live in this
 * process only. The send-rate limiter is shared by every client of one (account, region), the unit
 * AWS rate-limits by. Every client sends through one HTTP handler with keep-alive agents: one pool of
 * connections per endpoint, shared by every role and region (a TLS handshake costs round trips on real
 * AWS; each request is still signed by its own client's credentials).
 */
import { ConfigServiceClient, type ConfigServicePaginationConfiguration } from "@aws-sdk/client-config-service";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { loadSharedConfigFiles } from "@smithy/core/config";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { createHash } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import {
    assumeRoleError,
    authorizationError,
    isAuthorizationError,
    deadlineError,
    lookupWaitError,
    translate,
    type CallContext,
    type ProfileInfo,
    type Subject,
    type Verb,
} from "./errors";
import { partitionOf } from "../model/id";
import { MAX_CLIENTS, MAX_SOCKETS, resolveLimits, seconds, type Limits, type ResolvedLimits } from "./limits";
import { AbortableHandler } from "./abortable-handler";
import { Backoff } from "./retry";
import { EMPTY_SETTINGS, roleAccount, type RoleSetting, type Settings } from "./settings";

export type { Settings };

/** One account lookup (sts:GetCallerIdentity) of a credentials identity and region: its answer, its attempts so far, its own deadline. */
interface AccountLookup {
    account: Promise<string>;
    attempts: { readonly count: number; readonly endpoint?: string };
    deadline: Deadline;
    /** When it started (monotonic ms), and whether it has its answer (or its failure) yet. */
    startedAt: number;
    settled: boolean;
    /** Set when the lookup was abandoned at its deadline: the attempts made, and the role whose sts:AssumeRole was in flight then. */
    abandoned?: { attempts: number; link?: RoleLink };
    /** The region whose STS endpoint it asks. */
    region: string;
}

/**
 * One role of a credentials chain, for messages: the role, the credentials it is assumed from, the
 * region and attempts of its `sts:AssumeRole`, and whether that call (or the one for an earlier
 * role it waits for) is in flight.
 */
interface RoleLink {
    roleArn: string;
    from: string;
    region: string;
    attempts: { count: number; endpoint?: string };
    inFlight: boolean;
}
/** Marks a failure to assume a role, so that `send` and `sourceAccount` can name the role. */
const ROLE_FAILURE = "__assumeRoleFailure";
interface RoleFailure extends Error {
    [ROLE_FAILURE]: RoleLink;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

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

/** The handler every client shares: a client's `destroy` leaves it be; `close` ends its connections when the run ends. */
class SharedHandler extends NodeHttpHandler {
    override destroy(): void {}
    close(): void {
        super.destroy();
    }
}

/**
 * The AWS session of one run: the stack's settings, the limits in effect, and what the run keeps of
 * AWS (clients, credentials chains, account lookups, send-rate limiters, one connection pool).
 * Nothing outlives it: `configure` makes a new one, and `close` ends its connections.
 */
export class Aws {
    readonly settings: Settings;
    private resolved: ResolvedLimits | undefined;
    private readonly configClients = new Map<string, ConfigServiceClient>();
    /**
     * The account lookups of this run, shared by every operation that waits for one, their outcome kept:
     * an answer by credentials identity and partition (an account is the same in every region of a
     * partition, so 17 regions ask once), a failure by identity and region (an STS endpoint that fails in
     * one region, an opt-in region not enabled say, leaves the others free to ask their own).
     */
    private readonly accounts = new Map<string, AccountLookup>();
    /** Credential providers by identity (see `identity`). */
    private readonly chains = new Map<string, AwsCredentialIdentityProvider>();
    /** One retry strategy, hence one send-rate limiter, per (account, region). */
    private readonly limiters = new Map<string, Backoff>();
    /** The roles of each credentials chain, in the order they are assumed, by identity (see `identity`). */
    private readonly links = new Map<string, RoleLink[]>();
    /** The connection pools of this run (the timeouts are the handler's). */
    private pool: SharedHandler | undefined;

    constructor(settings: Partial<Settings> = {}) {
        this.settings = { ...EMPTY_SETTINGS, ...settings };
    }

    /** Ends this session's connections (a new run has its own). */
    close(): void {
        this.pool?.close();
        this.pool = undefined;
    }

    /** The limits in effect (environment and stack config, read once per run), and what is wrong with their settings. */
    get limits(): ResolvedLimits {
        this.resolved ??= resolveLimits(process.env, this.settings.config);
        return this.resolved;
    }

    /** The limits in effect, or an error naming every bad setting (no AWS call is made with a setting that is wrong). */
    private limitsFor(verb: Verb, resource: Subject): Limits {
        const { limits, problems } = this.limits;
        if (problems.length) throw authorizationError(verb, resource, `${problems.join("; ")}.`, "InvalidSetting");
        return limits;
    }

    /** The stack's own credentials, for messages: where they come from, never what they are. */
    private baseCredentials(): string {
        const { staticCredentials, profile } = this.settings;
        if (staticCredentials) return "the aws:accessKey/aws:secretKey stack config";
        if (profile) return `profile "${profile}" from the aws:profile stack config`;
        if (process.env.AWS_PROFILE) return `profile "${process.env.AWS_PROFILE}" from AWS_PROFILE`;
        if (process.env.AWS_ACCESS_KEY_ID) return "the AWS_ACCESS_KEY_ID environment variable";
        return "the AWS SDK's default credential chain";
    }

    /** The credentials a call with `role` uses, for messages: the stack's, then each role assumed from them. */
    credentialsInUse(role?: RoleSetting): string {
        const roles = [
            ...this.settings.assumeRoles.map((r, i) => `role ${r.roleArn} (aws:assumeRoles[${i}])`),
            ...(role ? [`role ${role.roleArn}`] : []),
        ];
        return roles.length ? `${roles.reverse().join(" assumed from ")} assumed from ${this.baseCredentials()}` : this.baseCredentials();
    }

    /**
     * Which credentials a call with `role` uses, as a key without secrets: the base (a hash of a static
     * key, a profile, or the default chain) and every role (its ARN, session name and a hash of its
     * external ID). Two calls with the same key act as the same principal.
     */
    identity(role?: RoleSetting): string {
        const c = this.settings.staticCredentials;
        const base = c ? `static:${hash(c.accessKeyId)}` : this.settings.profile ? `profile:${this.settings.profile}` : "default";
        const link = (r: RoleSetting) => `${r.roleArn}|${r.sessionName ?? ""}|${r.externalId === undefined ? "" : hash(r.externalId)}`;
        return [base, ...this.settings.assumeRoles.map(link), ...(role ? [link(role)] : [])].join(" > ");
    }

    /** The credential provider for `role` on top of the stack's credentials, or undefined for the SDK's default handling. */
    private credentialsFor(region: string, role?: RoleSetting): AwsCredentialIdentityProvider | undefined {
        const { settings } = this;
        const roles = [...settings.assumeRoles, ...(role ? [role] : [])];
        if (!roles.length && !settings.staticCredentials) return undefined; // the client's own chain, with aws:profile
        const key = this.identity(role);
        const chain = this.chains.get(key);
        if (chain) return chain;
        const s = settings.staticCredentials;
        let current: AwsCredentialIdentityProvider = s
            ? async () => ({ ...s })
            : fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {});
        let from = this.baseCredentials();
        const chainLinks: RoleLink[] = [];
        const { limits } = this.limits;
        for (const r of roles) {
            const stsRegion = this.stsRegionFor(region);
            const link: RoleLink = { roleArn: r.roleArn, from, region: stsRegion, attempts: { count: 0 }, inFlight: false };
            chainLinks.push(link);
            const handler = new AbortableHandler(this.requestHandler(limits));
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
                clientConfig: { region: stsRegion, maxAttempts: limits.maxAttempts, requestHandler: handler as never },
                // Counts the attempts of each sts:AssumeRole and records the endpoint the SDK resolved, for messages.
                clientPlugins: [{ applyToStack: (stack) => stack.add(attemptCounter(link.attempts) as never, COUNTER_OPTIONS) }],
            });
            current = refreshing(async () => {
                link.attempts.count = 0;
                link.inFlight = true;
                // The assumption, retries included, ends at an operation's deadline from its start, as the account
                // lookup does: an operation waiting for it gives up then, and nothing may go on sending after it.
                const { operationTimeoutMs } = limits;
                const deadline = new AbortController();
                handler.signal = deadline.signal;
                const timer = setTimeout(() => deadline.abort(), operationTimeoutMs);
                timer.unref();
                try {
                    return await assume();
                } catch (err) {
                    if ((err as RoleFailure)?.[ROLE_FAILURE]) throw err; // an earlier role of the chain failed
                    const cause = deadline.signal.aborted
                        ? Object.assign(
                              new Error(`sts:AssumeRole was abandoned at the operation's deadline of ${seconds(operationTimeoutMs)}`),
                              { name: "TimeoutError" },
                          )
                        : (err as Error);
                    throw Object.assign(cause, { [ROLE_FAILURE]: link });
                } finally {
                    clearTimeout(timer);
                    link.inFlight = false;
                }
            });
            from = `role ${r.roleArn} assumed from ${from}`;
        }
        this.chains.set(key, current);
        this.links.set(key, chainLinks);
        return current;
    }

    /**
     * The region whose STS endpoint a call for `region` asks: the stack's `aws:region` (the runner's own, as a
     * rule, and one endpoint for every role), else `region` itself; never one of another partition, whose
     * credentials differ.
     */
    private stsRegionFor(region: string): string {
        const home = this.settings.region;
        return home !== undefined && partitionOf(home) === partitionOf(region) ? home : region;
    }

    /**
     * The account that the credentials of a call with `role` act in, when an ARN says it: the role's own,
     * else the last of the stack's `aws:assumeRoles`. A role's session acts in the role's account
     * (its ARN is arn:aws:sts::<the role's account>:assumed-role/<role>/<session>, IAM User Guide, "IAM
     * identifiers"), so no sts:GetCallerIdentity is needed; the stack's own credentials have to ask.
     */
    knownAccount(role?: RoleSetting): string | undefined {
        const last = role ?? this.settings.assumeRoles.at(-1);
        return last ? roleAccount(last.roleArn) : undefined;
    }

    /** The role of `target`'s credentials chain whose sts:AssumeRole is in flight now, if any (the first one: the later ones wait for it). */
    private roleInFlight(target: Target): RoleLink | undefined {
        return this.links.get(this.identity(target.role))?.find((l) => l.inFlight);
    }

    /** The context of the sts:AssumeRole of `link`, made for `target`. */
    private assumeRoleContext(target: Target, link: RoleLink): CallContext {
        return {
            verb: target.verb,
            resource: target.resource,
            action: "sts:AssumeRole",
            region: link.region,
            endpoint: link.attempts.endpoint ?? stsEndpoint(link.region),
            profile: this.settings.profile,
            assuming: { roleArn: link.roleArn, account: roleAccount(link.roleArn), from: link.from },
        };
    }

    /** The error for a role that could not be assumed: the role, its account, the credentials it was assumed from, and why. */
    private async roleError(err: unknown, target: Target, limits: Limits): Promise<Error | undefined> {
        const link = (err as RoleFailure | undefined)?.[ROLE_FAILURE];
        if (!link) return undefined;
        return assumeRoleError(err, await this.callContext(this.assumeRoleContext(target, link), err, limits));
    }

    /**
     * For a program's own client (Organizations, Account), which sends outside {@link send}: the error for a
     * role of `target` that could not be assumed, when that is why `err` happened.
     */
    assumeRoleFailure(err: unknown, target: Target): Promise<Error | undefined> {
        return this.roleError(err, target, this.limitsFor(target.verb, target.resource));
    }

    private requestHandler(limits: Limits): NodeHttpHandler {
        this.pool ??= new SharedHandler({
            connectionTimeout: limits.connectTimeoutMs,
            requestTimeout: limits.requestTimeoutMs,
            // Without this the SDK only logs a warning when requestTimeout passes, and keeps waiting.
            throwOnRequestTimeout: true,
            // One pool per endpoint (an agent keeps one per host and port) for every client, and room for every call in flight.
            httpAgent: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
            httpsAgent: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
        });
        return this.pool;
    }

    /** The retry strategy, and with it the send-rate limiter, of every client acting in `account` and `region`. */
    rateLimiter(account: string, region: string): Backoff {
        const key = `${account}/${region}`;
        let b = this.limiters.get(key);
        if (!b) {
            const { maxAttempts, maxTotalBackoffMs } = this.limits.limits;
            b = new Backoff({ maxAttempts, maxTotalBackoffMs });
            this.limiters.set(key, b);
        }
        return b;
    }

    private common(region: string, limits: Limits, role: RoleSetting | undefined, retry: Backoff) {
        const credentials = this.credentialsFor(region, role);
        const { profile } = this.settings;
        return {
            region,
            retryStrategy: retry,
            requestHandler: this.requestHandler(limits),
            ...(credentials ? { credentials } : profile ? { profile } : {}),
        };
    }

    /** The AWS Config client for a call: one per credentials identity and source region, limited per (account, region). */
    private async configClient(target: Target, limits: Limits): Promise<ConfigServiceClient> {
        const key = `${this.identity(target.role)}@${target.region}`;
        const clients = this.configClients;
        let c = clients.get(key);
        if (!c) {
            const account = await this.sourceAccount(target);
            c = clients.get(key); // another call may have made it meanwhile
            c ??= new ConfigServiceClient(this.common(target.region, limits, target.role, this.rateLimiter(account, target.region)));
        }
        // The most recently used last; the least recently used goes beyond MAX_CLIENTS (its credentials, limiter and pool stay).
        clients.delete(key);
        clients.set(key, c);
        if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value!);
        return c;
    }

    /**
     * The settings of a client of another AWS service (account:ListRegions…) for `target`: the same
     * credentials chain, HTTP timeouts, and retry strategy (the send-rate limiter of its account and
     * region) as its Config client.
     */
    async clientSettings(target: Target) {
        const limits = this.limitsFor(target.verb, target.resource);
        const account = await this.sourceAccount(target);
        return { ...this.common(target.region, limits, target.role, this.rateLimiter(account, target.region)), limits, account };
    }

    /**
     * Runs one provider operation under its deadline (`PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS`):
     * `fn` passes the deadline on in its targets, and `send` aborts the call in flight when it passes.
     */
    async withDeadline<T>(verb: Verb, resource: Subject, fn: (deadline: Deadline) => Promise<T>): Promise<T> {
        const { operationTimeoutMs } = this.limitsFor(verb, resource);
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), operationTimeoutMs);
        try {
            return await fn({ signal: controller.signal, timeoutMs: operationTimeoutMs });
        } finally {
            clearTimeout(timer);
        }
    }

    /**
     * The error for `target`'s operation reaching its deadline during the call `ctx`, or during the
     * sts:AssumeRole that call waits for (then it names the role being assumed).
     */
    private deadlineFor(target: Target, ctx: CallContext, attempts: number): Error {
        const timeoutMs = target.deadline?.timeoutMs ?? 0;
        const link = this.roleInFlight(target);
        if (link) return deadlineError(this.assumeRoleContext(target, link), link.attempts.count, timeoutMs);
        return deadlineError(ctx, attempts, timeoutMs);
    }

    /** The profile in effect, when it is named and exists in neither shared file. */
    private async missingProfile(): Promise<ProfileInfo | undefined> {
        const name = this.settings.profile ?? process.env.AWS_PROFILE;
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
        return { name, source: this.settings.profile ? "the aws:profile stack config" : "AWS_PROFILE", configFile, credentialsFile };
    }

    /** The context of a failed call: `base`, with its timeouts and what only I/O can tell (whether a named profile exists). */
    private async callContext(base: CallContext, err: unknown, limits: Limits): Promise<CallContext> {
        const ctx: CallContext = { ...base, timeouts: { connectMs: limits.connectTimeoutMs, requestMs: limits.requestTimeoutMs } };
        if ((err as { name?: string })?.name === "CredentialsProviderError") ctx.missingProfile = await this.missingProfile();
        return ctx;
    }

    /**
     * Makes one Config request for `target` within its operation's deadline, translating any failure:
     * `make` sends it on the client. `inFlight.current` describes it (a paginator replaces it with each
     * page's command as it builds it).
     */
    private async request<Out>(
        target: Target,
        inFlight: { current: Request },
        make: (client: ConfigServiceClient) => Promise<Out>,
    ): Promise<Out> {
        const limits = this.limitsFor(target.verb, target.resource);
        const current = () => inFlight.current;
        // Before the SDK has built a request (no credentials, say), the endpoint it would use, as far as the environment says.
        const endpoint = () => current().attempts.endpoint ?? configEndpoint(target.region);
        const ctx = (): CallContext => ({
            ...target,
            action: current().action,
            endpoint: endpoint(),
            profile: this.settings.profile,
            secrets: current().secrets,
        });
        if (target.deadline?.signal.aborted) throw deadlineError(ctx(), 0, target.deadline.timeoutMs);
        try {
            const client = await this.configClient(target, limits);
            const onDeadline = () => this.deadlineFor(target, ctx(), current().attempts.count);
            return await beforeDeadline(make(client), target.deadline, onDeadline);
        } catch (err) {
            if (target.deadline?.signal.aborted) {
                // The deadline of the account lookup (it names its own call) or of this call.
                if (isAuthorizationError(err) && err.code === "DeadlineExceeded") throw err;
                throw this.deadlineFor(target, ctx(), current().attempts.count);
            }
            throw (await this.roleError(err, target, limits)) ?? translate(err, await this.callContext(ctx(), err, limits));
        }
    }

    /** Sends one Config command for `target`, translating any failure. */
    send<Out>(target: Target, command: Command): Promise<Out> {
        // The SDK's `send` is generic over every command of the client; one cast here keeps callers typed.
        return this.request(
            target,
            { current: new Request(command) },
            (client) => client.send(command as never, { abortSignal: target.deadline?.signal }) as Promise<Out>,
        );
    }

    /**
     * The pages of a paginated Config operation through the SDK's own paginator, starting with the
     * command `first`: each page's request made as `send` makes one (within the operation's deadline,
     * its attempts counted, its endpoint the one the SDK resolved, any failure translated).
     */
    async *pages<In extends object, Out>(target: Target, paginate: Paginate<In, Out>, first: Command & { input: In }): AsyncGenerator<Out> {
        // Until the paginator builds the first page's command, `first` says what the request is.
        const inFlight = { current: new Request(first) };
        let iterator: AsyncIterator<Out> | undefined;
        for (;;) {
            const next = await this.request(target, inFlight, (client) => {
                iterator ??= paginate(
                    { client, withCommand: (command) => ((inFlight.current = new Request(command)), undefined) },
                    { ...first.input },
                    { abortSignal: target.deadline?.signal },
                )[Symbol.asyncIterator]();
                return iterator.next();
            });
            if (next.done) return;
            yield next.value;
        }
    }

    /**
     * The account lookup `target` waits for: a failure in its region, else the answer (or the lookup in
     * flight) for its credentials and partition, else a new lookup through its region's STS endpoint,
     * which on failure is kept for that region only.
     */
    private accountLookup(target: Target, limits: Limits): AccountLookup {
        const who = this.identity(target.role);
        const region = this.stsRegionFor(target.region);
        const inRegion = `${who}@${region}`;
        const inPartition = `${who}@partition:${partitionOf(region)}`;
        const known = this.accounts.get(inRegion) ?? this.accounts.get(inPartition);
        if (known) return known;
        const lookup = this.startLookup(inPartition, { ...target, region }, limits);
        lookup.account.catch(() => {
            if (this.accounts.get(inPartition) === lookup) this.accounts.delete(inPartition);
            this.accounts.set(inRegion, lookup);
        });
        return lookup;
    }

    /** Starts the account lookup of `key` for `target`: one sts:GetCallerIdentity with its attempts, under a deadline of its own. */
    private startLookup(key: string, target: Target, limits: Limits): AccountLookup {
        const command = new GetCallerIdentityCommand({});
        const attempts = countAttempts(command);
        const retry = new Backoff({ maxAttempts: limits.maxAttempts, maxTotalBackoffMs: limits.maxTotalBackoffMs });
        const controller = new AbortController();
        const lookup: AccountLookup = {
            attempts,
            deadline: { signal: controller.signal, timeoutMs: limits.operationTimeoutMs },
            startedAt: performance.now(),
            settled: false,
            account: Promise.resolve(""),
            region: target.region,
        };
        // The lookup outlives the operation that started it (check gives up waiting early, create goes
        // on waiting), so it has a deadline of its own: the operation deadline, from when it started.
        // The abort also ends a wait for credentials (a stalled sts:AssumeRole), which the HTTP abort alone would not.
        const abandoned = new Promise<never>((_, reject) =>
            controller.signal.addEventListener("abort", () => reject(new Error("sts:GetCallerIdentity abandoned at its deadline")), {
                once: true,
            }),
        );
        const timer = setTimeout(() => {
            lookup.abandoned = { link: this.roleInFlight(target), attempts: attempts.count };
            controller.abort();
        }, limits.operationTimeoutMs);
        timer.unref?.();
        const sent = new STSClient(this.common(target.region, limits, target.role, retry))
            .send(command, { abortSignal: controller.signal })
            .then((r) => {
                if (!r.Account) throw new Error("sts:GetCallerIdentity returned no account");
                return r.Account;
            });
        sent.catch(() => undefined); // after the deadline nobody waits for it
        lookup.account = Promise.race([sent, abandoned]).finally(() => {
            lookup.settled = true;
            clearTimeout(timer);
        });
        // Remembered, failure included: every later operation of this run gets the same answer at once.
        lookup.account.catch(() => undefined);
        this.accounts.set(key, lookup);
        return lookup;
    }

    /**
     * The source account the credentials of `target` (the stack's, and its role if any) belong to: a
     * role's from its ARN (`knownAccount`), else one sts:GetCallerIdentity per credentials identity and
     * partition and run (per region after a failure, see `accountLookup`), shared by every operation that
     * waits for it, its outcome remembered, failure included. A stalled or broken STS endpoint thus costs
     * one lookup (at most one operation deadline) per run, not one per resource.
     * `waitMs` (check's best-effort wait, for previews) stops waiting once the lookup has run that long
     * (counted from its start, so that the engine's checks, which come one after another, share one wait);
     * the lookup goes on for the operations that wait for its outcome.
     */
    async sourceAccount(target: Target, opts: { waitMs?: number } = {}): Promise<string> {
        const limits = this.limitsFor(target.verb, target.resource);
        const known = this.knownAccount(target.role);
        if (known !== undefined) return known;
        const action = "sts:GetCallerIdentity";
        const lookup = this.accountLookup(target, limits);
        const { attempts } = lookup;
        const endpoint = () => attempts.endpoint ?? stsEndpoint(lookup.region);
        const ctx = (): CallContext => ({ ...target, region: lookup.region, action, endpoint: endpoint(), profile: this.settings.profile });
        const answer =
            opts.waitMs === undefined || lookup.settled
                ? lookup.account
                : within(lookup.account, Math.max(0, lookup.startedAt + opts.waitMs - performance.now()), () =>
                      lookupWaitError(ctx(), opts.waitMs!),
                  );
        try {
            return await beforeDeadline(answer, target.deadline, () => this.deadlineFor(target, ctx(), attempts.count));
        } catch (err) {
            if (isAuthorizationError(err) && err.code === "LookupWait") throw err;
            // Translated for this waiter, so the message names the resource that asked, not the first one.
            if (lookup.abandoned && !isAuthorizationError(err)) {
                const { link, attempts: made } = lookup.abandoned;
                const timeoutMs = lookup.deadline.timeoutMs;
                throw link
                    ? deadlineError(this.assumeRoleContext(target, link), link.attempts.count, timeoutMs)
                    : deadlineError(ctx(), made, timeoutMs);
            }
            throw (await this.roleError(err, target, limits)) ?? translate(err, await this.callContext(ctx(), err, limits));
        }
    }
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

/** What a call is about, for its error message, and the deadline of the operation it belongs to. */
export interface Target {
    verb: Verb;
    resource: Subject;
    region: string;
    deadline?: Deadline;
    /** The resource's own role (its `assumeRole` input), assumed after the stack's `aws:assumeRoles`. */
    role?: RoleSetting;
}

interface Command {
    readonly input: object;
    constructor: { name: string };
    middlewareStack?: { add(mw: unknown, options: object): void };
}

/** An SDK paginator (`paginateListTagsForResource`…): pages of `Out` for an input, on a client. */
export type Paginate<In, Out> = (
    config: ConfigServicePaginationConfiguration,
    input: In,
    options: { abortSignal?: AbortSignal },
) => AsyncIterable<Out>;

/** The IAM action of a command: `PutAggregationAuthorizationCommand` ⇒ `config:PutAggregationAuthorization`. */
export function iamAction(service: string, command: Command): string {
    return `${service}:${command.constructor.name.replace(/Command$/, "")}`;
}

/** Where the attempt counter sits: inside the retry loop, once per attempt, after the request is built. */
const COUNTER_OPTIONS = { step: "deserialize", priority: "low", name: "awsConfigAggregationAttemptCounter" } as const;

/** A middleware that counts the attempts of a call in `counter`, and records the endpoint of the last one. */
function attemptCounter(counter: { count: number; endpoint?: string }) {
    return (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
        counter.count++;
        // The endpoint the SDK resolved for this call (FIPS, dual-stack, China and ISO partitions,
        // AWS_ENDPOINT_URL*): what messages name, rather than a host name built by hand.
        const request = (args as { request?: { protocol?: string; hostname?: string; port?: number } }).request;
        if (request?.hostname) {
            counter.endpoint = `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}`;
        }
        return next(args);
    };
}

/** Counts the attempts the SDK makes for `command` (a middleware inside the retry loop). */
export function countAttempts(command: Command): { readonly count: number; readonly endpoint?: string } {
    const counter: { count: number; endpoint?: string } = { count: 0 };
    command.middlewareStack?.add(attemptCounter(counter), COUNTER_OPTIONS);
    return counter;
}

/**
 * Waits for `call` until the deadline passes, then rejects with `onDeadline()`. The call itself is
 * aborted through the same signal (the SDK passes it to the HTTP request).
 */
function beforeDeadline<T>(call: Promise<T>, deadline: Deadline | undefined, onDeadline: () => Error): Promise<T> {
    if (!deadline) return call;
    call.catch(() => undefined); // the answer may come after the deadline: nobody waits for it then
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(onDeadline());
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

/** What messages say of the request in flight: its IAM action, the tag values to redact, its attempts and endpoint. */
class Request {
    readonly action: string;
    readonly secrets: string[];
    readonly attempts: { readonly count: number; readonly endpoint?: string };

    constructor(command: Command) {
        this.action = iamAction("config", command);
        this.secrets = secretsOf(command);
        this.attempts = countAttempts(command);
    }
}

/** Rejects with `why` when `p` has not settled within `ms` (`p` itself goes on). */
function within<T>(p: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(timedOut()), ms);
        p.then(resolve, reject).finally(() => clearTimeout(timer));
    });
}
