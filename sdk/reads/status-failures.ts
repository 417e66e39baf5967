/** Why a source status read failed and what to do, one message per cause. */
import {
    ACCESS_DENIED,
    isAuthorizationError,
    scrubAwsMessage,
    seconds,
    unimplementedAnswer,
    UNKNOWN_OPERATION,
    withoutUserinfo,
    type RoleSetting,
} from "../../provider/shared";
import { programAws } from "../program-aws";

export const STATUS_ACTION = "config:DescribeConfigurationAggregatorSourcesStatus";

export const NO_SUCH_AGGREGATOR = "NoSuchConfigurationAggregatorException";

export const AGGREGATOR_POLICY_LINK =
    "https://github.com/pulumi-aws-config-aggregation/pulumi-aws-config-aggregation/blob/main/docs/configuration.md#the-aggregator-account";

/** An aggregator as messages name it. */
export interface AggregatorRef {
    name: string;
    region: string;
    accountId?: string;
}

/** Each kind has its own advice. */
export type StatusFailureKind = "noSuchAggregator" | "notImplemented" | "accessDenied" | "failed";

export interface StatusReadError extends Error {
    readonly statusFailure: StatusFailureKind;
    readonly code?: string;
}

export function isStatusReadError(e: unknown): e is StatusReadError {
    return typeof e === "object" && e !== null && typeof (e as { statusFailure?: unknown }).statusFailure === "string";
}

/** `aggregator org (account 111122223333, region us-east-1)`. */
export function describeAggregator(a: AggregatorRef): string {
    return `aggregator ${a.name} (${a.accountId ? `account ${a.accountId}, ` : ""}region ${a.region})`;
}

/** How every message starts. */
export function readingLabel(a: AggregatorRef): string {
    return `reading the source status of Config ${describeAggregator(a)}`;
}

function createOrCorrect(a: AggregatorRef, role: RoleSetting | undefined): string {
    return (
        `Create it (aws.cfg.ConfigurationAggregator) in region ${a.region} of the account the credentials act in ` +
        `(${programAws().credentialsInUse(role)}) and read after it (in an apply of its name), or correct aggregatorName, region or the credentials.`
    );
}

/** For a read that reports a missing aggregator instead of failing. */
export function missingAggregatorNote(a: AggregatorRef, role: RoleSetting | undefined): string {
    return (
        `${describeAggregator(a)} does not exist (yet): ${STATUS_ACTION} answered ${NO_SUCH_AGGREGATOR}, ` +
        `so its sources are reported as pending. ${createOrCorrect(a, role)}`
    );
}

export function missingAggregatorAfterWait(
    a: AggregatorRef,
    role: RoleSetting | undefined,
    wait: { timeoutMs: number; reads: number; expected: number },
): string {
    return (
        `${readingLabel(a)}: the aggregator did not exist within ${seconds(wait.timeoutMs)} ` +
        `(${wait.reads} read${wait.reads === 1 ? "" : "s"}: ${STATUS_ACTION} answered ${NO_SUCH_AGGREGATOR}), ` +
        `so none of the ${wait.expected} expected sources succeeded. ${createOrCorrect(a, role)}`
    );
}

interface Cause {
    name?: string;
    message?: string;
}

function failure(message: string, kind: StatusFailureKind, code: string | undefined): StatusReadError {
    return Object.assign(new Error(message), { statusFailure: kind, ...(code !== undefined ? { code } : {}) });
}

/** `err`: what the client machinery threw, its AWS error in `cause`. */
export function statusReadError(err: unknown, a: AggregatorRef, role: RoleSetting | undefined, endpoint: string): StatusReadError {
    const ours = isAuthorizationError(err);
    const code = ours ? err.code : (err as Cause | undefined)?.name;
    const cause = (ours ? err.cause : err) as Cause | undefined;
    const awsSays = cause?.message ? `: ${scrubAwsMessage(cause.message)}` : "";
    const label = readingLabel(a);
    if (code === NO_SUCH_AGGREGATOR) {
        return failure(`${label}: ${STATUS_ACTION} answered ${NO_SUCH_AGGREGATOR}. ${createOrCorrect(a, role)}`, "noSuchAggregator", code);
    }
    const unimplemented = code === UNKNOWN_OPERATION ? UNKNOWN_OPERATION : unimplementedAnswer(cause);
    if (unimplemented) {
        return failure(
            `${label}: the endpoint ${withoutUserinfo(endpoint)} does not implement ${STATUS_ACTION}: it answered ${unimplemented} ` +
                `(not retried). It is not AWS Config, or an emulator without this operation (moto has none): point ` +
                `AWS_ENDPOINT_URL_CONFIG_SERVICE (or AWS_ENDPOINT_URL) at one that has it, or read the status where the program runs against AWS.`,
            "notImplemented",
            code,
        );
    }
    if (code !== undefined && ACCESS_DENIED.has(code)) {
        return failure(
            `${label}: access denied to ${STATUS_ACTION} for ${programAws().credentialsInUse(role)} (${code}${awsSays}). ` +
                `Allow that action to those credentials in the aggregator account: docs/configuration.md, ` +
                `"IAM permissions", "The aggregator account", has the policy (${AGGREGATOR_POLICY_LINK}).`,
            "accessDenied",
            code,
        );
    }
    const said = isAuthorizationError(err) ? (err.detail ?? err.message) : err instanceof Error ? err.message : String(err);
    return failure(`${label}: ${said.includes(STATUS_ACTION) ? "" : `${STATUS_ACTION} failed: `}${said}`, "failed", code);
}
