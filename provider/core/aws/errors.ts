/**
 * Errors that say what failed and what to do. AWS errors are told by `name`, never by message text;
 * ours by a marker field, not `instanceof`, as they cross the boundary to the engine as plain objects.
 */
import {
    InvalidParameterValueException,
    ResourceNotFoundException,
    TooManyTagsException,
    ValidationException,
} from "@aws-sdk/client-config-service";
import type { PartialFailure } from "../model/dynamic";
import { seconds } from "./limits";
import { quote, scrubAwsMessage, scrubSecrets, truncate, withoutUserinfo } from "../model/redact";
import { unimplementedAnswer } from "./unimplemented";

/** How a failure ends: what Pulumi did not do. Every message that refuses says it in these words. */
export const CHANGED_NOTHING = "Pulumi changed nothing";
export const READ_NOTHING = "Pulumi read nothing and changed nothing";

export const ERROR_MARKER = "__awsConfigAggregationError";

/** How messages start. */
export type Verb = "creating" | "reading" | "updating" | "deleting" | "importing";

export interface AuthorizationError extends Error {
    [ERROR_MARKER]: true;
    code?: string;
    /** The cause and the fix alone. */
    detail?: string;
    /** Set when AWS holds the authorization although the operation failed: the engine records it. */
    id?: PartialFailure["id"];
    properties?: PartialFailure["properties"];
    reasons?: PartialFailure["reasons"];
}

export function isAuthorizationError(e: unknown): e is AuthorizationError {
    return typeof e === "object" && e !== null && (e as Record<string, unknown>)[ERROR_MARKER] === true;
}

/** An authorization (its ARN or a description), or what a program reads. */
export type Subject = string | { reads: string; grantee?: string };

function named(subject: Subject): string {
    return typeof subject === "string" ? `Config aggregation authorization (${truncate(subject, 256)})` : subject.reads;
}

/** `<verb> <subject>: <cause>`. */
export function authorizationError(verb: Verb, subject: Subject, cause: string, code?: string): AuthorizationError {
    return Object.assign(operationError(`${verb} ${named(subject)}: ${cause}`, code), { detail: scrubSecrets(cause) });
}

/** An error whose whole message is `message`, scrubbed. */
export function operationError(message: string, code?: string): AuthorizationError {
    const e = new Error(scrubSecrets(message)) as AuthorizationError;
    e[ERROR_MARKER] = true;
    if (code !== undefined) e.code = code;
    // Pulumi's dynamic-provider host prints `${e}: ${e.stack}`: a trace per failure buries the message.
    e.stack = "";
    return e;
}

export function goneCause(): string {
    return (
        `the authorization no longer exists in AWS (${NOT_FOUND}): it was deleted outside Pulumi. ` +
        `Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to create it again.`
    );
}

/** Marks `e` as a partial failure: AWS holds `id`. */
export function partial(e: AuthorizationError, id: string, properties: object): AuthorizationError {
    e.id = id;
    e.properties = properties;
    e.reasons = [e.message];
    return e;
}

/** Where a call went, for messages. */
export interface CallContext {
    verb: Verb;
    resource: Subject;
    /** The IAM action, e.g. `config:PutAggregationAuthorization`. */
    action: string;
    region: string;
    endpoint: string;
    profile?: string;
    /** Values sent that a message must not echo (tag values). */
    secrets?: readonly string[];
    /** The profile in effect, when it exists in neither shared file. */
    missingProfile?: ProfileInfo;
    timeouts?: { connectMs: number; requestMs: number };
    /** For an `sts:AssumeRole`. */
    assuming?: RoleInContext;
}

/** `from` describes the credentials, never shows them. */
export interface RoleInContext {
    roleArn: string;
    account?: string;
    from: string;
}

export interface ProfileInfo {
    name: string;
    /** aws:profile or AWS_PROFILE. */
    source: string;
    configFile: string;
    credentialsFile: string;
}

export const ACCESS_DENIED: ReadonlySet<string> = new Set([
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
    "AuthorizationError",
]);
const THROTTLED = new Set(["ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded"]);
const BAD_CREDENTIALS = new Set([
    "ExpiredTokenException",
    "ExpiredToken",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
]);
/** Named by the SDK's modelled classes, so a rename fails the build. */
export const NOT_FOUND = ResourceNotFoundException.name;
const REJECTED = new Set([InvalidParameterValueException.name, ValidationException.name]);
const TOO_MANY_TAGS = TooManyTagsException.name;
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);

/** What the AWS SDK's default chain tries, in order. */
export function credentialSources(profile: string | undefined): string {
    const p = profile ?? process.env.AWS_PROFILE ?? "default";
    return (
        `environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), ` +
        `the shared config and credentials files (~/.aws/config, ~/.aws/credentials) with profile "${p}" ` +
        `(set by the aws:profile stack config or AWS_PROFILE), SSO, web identity (AWS_WEB_IDENTITY_TOKEN_FILE), ` +
        `and the container and instance metadata services`
    );
}

interface AwsLikeError {
    name?: string;
    code?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number; attempts?: number };
    cause?: unknown;
}

const ENDPOINT_VARIABLE = { sts: "AWS_ENDPOINT_URL_STS", config: "AWS_ENDPOINT_URL_CONFIG_SERVICE" } as const;

/** The services a program's own reads call besides Config and STS, by IAM prefix. */
const OTHER_SERVICES: Readonly<Record<string, { name: string; endpointVariable: string }>> = {
    account: { name: "AWS Account Management", endpointVariable: "AWS_ENDPOINT_URL_ACCOUNT" },
    organizations: { name: "AWS Organizations", endpointVariable: "AWS_ENDPOINT_URL_ORGANIZATIONS" },
};

const otherService = (action: string) => OTHER_SERVICES[action.slice(0, action.indexOf(":"))];

function serviceOf(action: string): string {
    return otherService(action)?.name ?? (action.startsWith("sts:") ? "AWS STS" : "AWS Config");
}

function endpointVariableOf(action: string): string {
    return otherService(action)?.endpointVariable ?? ENDPOINT_VARIABLE[action.startsWith("sts:") ? "sts" : "config"];
}

/** What to check when a call could not reach its service. */
export function checkNetwork(action: string, env: NodeJS.ProcessEnv = process.env): string {
    const text = `Check the network, the region, and ${endpointVariableOf(action)} / AWS_ENDPOINT_URL if set`;
    return text + endpointMismatchOf(action, env);
}

/** Only the other service's endpoint variable is set: this call went to AWS's own endpoint. */
function endpointMismatch(mine: "sts" | "config", other: "sts" | "config", env: NodeJS.ProcessEnv): string {
    if (!env[ENDPOINT_VARIABLE[other]] || env[ENDPOINT_VARIABLE[mine]] || env.AWS_ENDPOINT_URL) return "";
    const service = mine === "sts" ? "AWS STS" : "AWS Config";
    return (
        ` (${ENDPOINT_VARIABLE[other]} is set, but only for ${other === "sts" ? "AWS STS" : "AWS Config"}: ${service} calls go to AWS's own endpoint ` +
        `unless ${ENDPOINT_VARIABLE[mine]} is set too)`
    );
}

function endpointMismatchOf(action: string, env: NodeJS.ProcessEnv = process.env): string {
    if (otherService(action)) return "";
    return action.startsWith("sts:") ? endpointMismatch("sts", "config", env) : endpointMismatch("config", "sts", env);
}

function callOf(ctx: CallContext): string {
    const r = ctx.assuming;
    return r ? `${ctx.action} of role ${r.roleArn} in account ${r.account ?? "?"} from ${r.from}` : ctx.action;
}

const attemptsText = (n: number) => `${n} attempt${n === 1 ? "" : "s"}`;

/** A call still unanswered at its operation's deadline. */
export function deadlineError(ctx: CallContext, attempts: number, deadlineMs: number): AuthorizationError {
    const where = `region ${ctx.region}, endpoint ${withoutUserinfo(ctx.endpoint)}`;
    const what =
        attempts === 0
            ? `the operation's deadline of ${seconds(deadlineMs)} passed before ${callOf(ctx)} was sent (${where}).`
            : `${serviceOf(ctx.action)} did not answer ${callOf(ctx)} (${where}) within the operation's deadline of ${seconds(deadlineMs)}, ` +
              `after ${attemptsText(attempts)}; the call was abandoned.`;
    // A write that was sent may have been applied.
    const write = attempts > 0 && !/^(\w+:(List|Describe|Get)|sts:)/.test(ctx.action);
    return authorizationError(
        ctx.verb,
        ctx.resource,
        `${what}${write ? " AWS may have applied it; running the command again finishes the job (a create takes back what it made, by its owner tag)." : ""}` +
            `${ctx.assuming ? ` ${CHANGED_NOTHING}.` : ""} ${checkNetwork(ctx.action)}; ` +
            `to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).`,
        "DeadlineExceeded",
    );
}

/** A preview that waited too long for the run's account lookup fails as the up would, sooner. */
export function lookupWaitError(ctx: CallContext, waitMs: number): AuthorizationError {
    return authorizationError(
        ctx.verb,
        ctx.resource,
        `AWS STS did not answer ${callOf(ctx)} (region ${ctx.region}, endpoint ${withoutUserinfo(ctx.endpoint)}) within ${seconds(waitMs)} ` +
            `of the account lookup's start, as long as a preview waits for it. ${checkNetwork(ctx.action)}; to wait longer, raise ` +
            `PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:requestTimeoutMs), ` +
            `or set aws:skipCredentialsValidation to preview without the account.`,
        "LookupWait",
    );
}

/** ECONNREFUSED and the like, through `cause` chains. */
function networkCode(err: AwsLikeError): string | undefined {
    for (let e: AwsLikeError | undefined = err, depth = 0; e && depth < 5; e = e.cause as AwsLikeError, depth++) {
        if (e.code && UNREACHABLE.has(e.code)) return e.code;
        if (e.name === "TimeoutError") return "ETIMEDOUT";
    }
    return undefined;
}

/** Unknown whether AWS applied the call. */
export function isAmbiguous(err: unknown): boolean {
    const e = (isAuthorizationError(err) ? err.cause : err) as AwsLikeError;
    const net = networkCode(e);
    // A refused connection or an unknown host never reached AWS; a reset or a timeout may have.
    if (net !== undefined) return net !== "ECONNREFUSED" && net !== "ENOTFOUND" && net !== "EAI_AGAIN";
    return e?.$fault === "server" || (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

export function translate(err: unknown, ctx: CallContext): AuthorizationError {
    if (isAuthorizationError(err)) return err;
    const name = (err as AwsLikeError | undefined)?.name ?? "Error";
    return Object.assign(authorizationError(ctx.verb, ctx.resource, causeOf(err, ctx), name), { cause: err });
}

function causeOf(err: unknown, ctx: CallContext): string {
    const e = (err ?? {}) as AwsLikeError;
    const name = e.name ?? "Error";
    const attempts = e.$metadata?.attempts;
    const afterAttempts = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
    const awsSays = e.message ? `: ${scrubAwsMessage(e.message, ctx.secrets)}` : "";
    const where = `region ${ctx.region}, endpoint ${withoutUserinfo(ctx.endpoint)}`;

    if (ACCESS_DENIED.has(name)) {
        return (
            `access denied to ${ctx.action} (${name}${awsSays}). ` +
            `Grant ${ctx.action} ${grantee(ctx.resource)}; docs/configuration.md, "IAM permissions", lists the full IAM policy.`
        );
    }
    if (THROTTLED.has(name)) {
        return (
            `AWS kept throttling ${ctx.action}${afterAttempts} (${name}${awsSays}). ` +
            `Wait and run the command again, or lower the parallelism (pulumi up --parallel 4), or raise AWS_MAX_ATTEMPTS.`
        );
    }
    if (name === NOT_FOUND) return goneCause();
    if (REJECTED.has(name)) {
        return `AWS rejected the request (${name})${awsSays}. Fix the input named above and run the command again.`;
    }
    if (name === TOO_MANY_TAGS) {
        return (
            `AWS allows at most 50 tags on an authorization, counting those it has (${name})${awsSays}. ` +
            `Tags set outside the program count too: remove some, then run the command again.`
        );
    }
    if (name === "CredentialsProviderError" && ctx.missingProfile) {
        const p = ctx.missingProfile;
        return (
            `the AWS profile ${quote(p.name)} (from ${p.source}) does not exist: it is in neither ${p.configFile} nor ${p.credentialsFile}. ` +
            `Create it (aws configure --profile ${truncate(p.name)}, or aws configure sso), or set ${p.source} to an existing profile, then run the command again.`
        );
    }
    if (name === "CredentialsProviderError" || BAD_CREDENTIALS.has(name)) {
        const what =
            name === "CredentialsProviderError"
                ? "no usable AWS credentials were found"
                : `AWS rejected the credentials (${name}${awsSays})${endpointMismatchOf(ctx.action)}`;
        return (
            `${what}. Tried ${credentialSources(ctx.profile)}. ` +
            `Sign in again (e.g. aws sso login) or set valid credentials, then run the command again.`
        );
    }
    const net = networkCode(e);
    if (net === "ETIMEDOUT" && ctx.timeouts) {
        const t = ctx.timeouts;
        return (
            `${serviceOf(ctx.action)} did not answer ${ctx.action} in time (${where}) after ${attemptsText(attempts ?? 1)}, the last one timed out ` +
            `(connect timeout ${seconds(t.connectMs)}, request timeout ${seconds(t.requestMs)}). ` +
            `${checkNetwork(ctx.action)}; to wait longer, raise ` +
            `PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS or PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS.`
        );
    }
    if (net) {
        const service = serviceOf(ctx.action);
        return `could not reach ${service} (${where})${afterAttempts}: ${net}. ${checkNetwork(ctx.action)}.`;
    }
    const unimplemented = unimplementedAnswer(err);
    if (unimplemented) {
        return (
            `the endpoint ${withoutUserinfo(ctx.endpoint)} does not implement ${ctx.action}: it answered ${unimplemented} ` +
            `(region ${ctx.region}; not retried). It is not ${serviceOf(ctx.action)}, or an emulator without this operation: ` +
            `point ${endpointVariableOf(ctx.action)} (or AWS_ENDPOINT_URL) at one that has it, or unset it for AWS's own.`
        );
    }
    if (e.$fault === "server" || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
        return `${serviceOf(ctx.action)} kept failing${afterAttempts} (${name}${awsSays}, ${where}). This is a fault on the AWS side; run the command again later.`;
    }
    return `${name}${awsSays} (${where}).`;
}

/** A role not assumed: only IAM's refusal gets the trust-policy advice. */
export function assumeRoleError(err: unknown, ctx: CallContext): AuthorizationError {
    const r = ctx.assuming!;
    const e = (err ?? {}) as AwsLikeError;
    const name = e.name ?? "Error";
    const what = `could not assume role ${r.roleArn} in account ${r.account ?? "?"} from ${r.from}`;
    const fail = (cause: string) => Object.assign(authorizationError(ctx.verb, ctx.resource, cause, "AssumeRoleFailed"), { cause: err });
    const net = networkCode(e);
    if (net !== undefined || THROTTLED.has(name) || BAD_CREDENTIALS.has(name) || name === "CredentialsProviderError") {
        return fail(`${what}: ${causeOf(err, ctx)} ${CHANGED_NOTHING}.`);
    }
    const awsSays = e.message ? `: ${scrubAwsMessage(e.message, ctx.secrets)}` : "";
    return fail(
        `${what} (${name}${awsSays}). ${CHANGED_NOTHING}. Check that the role exists, that its trust ` +
            `policy lets those credentials assume it (with the external ID, if it requires one), and that they may call sts:AssumeRole on it.`,
    );
}

function grantee(subject: Subject): string {
    if (typeof subject !== "string") return `to ${subject.grantee ?? "the credentials Pulumi uses"}`;
    return `on ${subject.startsWith("arn:") ? subject : "the authorization"} to the credentials Pulumi uses`;
}
