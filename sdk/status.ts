import * as pulumi from "@pulumi/pulumi";
import { seconds } from "../provider/shared";
import {
    sourcesIfAggregatorExists,
    unhealthySources,
    waitForSources,
    type ExpectedSource,
    type SourceStatus,
    type Unhealthy,
} from "./reads/status";
import {
    isStatusReadError,
    missingAggregatorAfterWait,
    missingAggregatorNote,
    readingLabel,
    type AggregatorRef,
} from "./reads/status-failures";
import { defaultRegion, useStackSettings } from "./program-aws";
import type { AccountAggregationSource } from "./authorizations";

export type { ExpectedSource, SourceStatus, Unhealthy };

/** The role to assume in the aggregator account for the read (plain values: the read happens while the program runs). */
export interface StatusRoleArgs {
    readonly roleArn: string;
    /** @default - none */
    readonly externalId?: string;
    /** @default "pulumi-aws-config-aggregation" */
    readonly sessionName?: string;
}

/** How long, and for which sources, {@link aggregatorSourcesStatus} waits. */
export interface WaitForSourcesArgs {
    /**
     * The sources that must succeed: see {@link ExpectedSources} (`AggregationAuthorizations`'
     * `regionsByAccount` or `accountAggregationSource`, or a list of (account, region)).
     */
    readonly sources: ExpectedSources;
    /**
     * Longest total wait. AWS Config brings a new source's data within minutes, not seconds.
     * @default 900
     */
    readonly timeoutSeconds?: number;
    /**
     * Time between two reads (each read is one call per page of 100 sources).
     * @default 30
     */
    readonly intervalSeconds?: number;
    /**
     * Told after every read that leaves expected sources waiting.
     * @default - `pulumi.log.info`
     */
    readonly onProgress?: (message: string) => void;
}

/** The arguments of {@link aggregatorSourcesStatus}. */
export interface AggregatorSourcesStatusArgs {
    /** The name of the configuration aggregator. */
    readonly aggregatorName: string;
    /**
     * The aggregator's region.
     * @default - the stack's `aws:region`, then `AWS_REGION`/`AWS_DEFAULT_REGION`
     */
    readonly region?: string;
    /**
     * The aggregator's account, for messages only (the credentials decide where the read happens).
     * @default - not named in messages
     */
    readonly aggregatorAccountId?: string;
    /**
     * A role in the aggregator account, assumed after the stack's `aws:assumeRoles`.
     * @default - the stack's credentials, which must then act in the aggregator account
     */
    readonly assumeRole?: StatusRoleArgs;
    /**
     * Wait until every one of these sources has succeeded; fail naming those that did not, with the
     * likely cause, when the time is up. An aggregator that does not exist yet (the same `up` may
     * create it) is waited for too; during a preview its sources are reported as pending at once.
     * @default - read once, do not wait
     */
    readonly waitFor?: WaitForSourcesArgs;
    /**
     * What a failure does (the read failed, or `waitFor`'s time is up): `"throw"` fails the program with
     * a `pulumi.RunError` (Pulumi prints its message alone: the aggregator, the call, the cause, the
     * fix); `"return"` returns the result with the failure in `error`, for a stack that only reports.
     * An aggregator that does not exist is not a failure (its sources are pending) unless `waitFor` times out.
     * @default "throw"
     */
    readonly onError?: "throw" | "return";
}

/** Why {@link aggregatorSourcesStatus} failed. */
export interface AggregatorSourcesStatusError {
    /**
     * `invalidArguments`: an argument or stack setting is wrong (nothing was read);
     * `noSuchAggregator`: `waitFor`'s time passed and the aggregator never existed;
     * `notImplemented`: the endpoint does not implement the operation (an emulator, a proxy);
     * `accessDenied`: the credentials may not call it in the aggregator account;
     * `notSucceeded`: `waitFor`'s time passed with expected sources not succeeded;
     * `failed`: anything else (throttling, the network, a role that could not be assumed, a deadline).
     */
    kind: "invalidArguments" | "noSuchAggregator" | "notImplemented" | "accessDenied" | "notSucceeded" | "failed";
    /** The error code AWS (or the SDK) gave, when one did. */
    code?: string;
    /** What failed and what to do, as the thrown `RunError` would say it. */
    message: string;
}

/** The source status of an aggregator, shaped for a stack output or a policy check. */
export interface AggregatorSourcesStatus {
    aggregatorName: string;
    region: string;
    /** Every source AWS Config reports, sorted by account and region. */
    sources: SourceStatus[];
    /** The status of every source, by account and region. */
    byAccount: { [accountId: string]: { [region: string]: SourceStatus["status"] } };
    /** Sources that have not succeeded, each with why and the likely cause (with `waitFor`: the expected ones). */
    notSucceeded: Unhealthy[];
    /** True when the aggregator exists and `notSucceeded` is empty. */
    allSucceeded: boolean;
    /**
     * False when AWS Config has no aggregator of this name in the credentials' account and this region
     * (yet): then `sources` is empty, and every source `waitFor` expects is in `notSucceeded` as pending.
     * Absent when the read failed.
     */
    aggregatorExists?: boolean;
    /** With `onError: "return"`, why the read (or the wait) failed; absent when it did not. */
    error?: AggregatorSourcesStatusError;
}

/**
 * A `pulumi.RunError` without stack frames. Pulumi prints a RunError's message alone, but its handler
 * of an uncaught error also formats the error with `util.inspect(err, { colors: true })` (for a
 * tracing event), and Node 22's colouring of `node_modules` paths loops on a frame such as
 * `node_modules/@pulumi/output.ts:…` (the source-mapped frames every error raised in an apply carries)
 * until the string outgrows V8's limit: 50 s and more of a program's run after its error, before
 * Pulumi gets to print it (nodejs/node#64011). Without frames there is nothing to colour.
 */
export function runError(message: string): pulumi.RunError {
    const err = new pulumi.RunError(message);
    err.stack = `${err.name}: ${message}`;
    return err;
}

/**
 * The sources an aggregator should see: `AggregationAuthorizations`' `accountAggregationSource` or its
 * `regionsByAccount` (`{ "<account>": "<region>,<region>" }`), or a list of (account, region) pairs.
 */
export type ExpectedSources = AccountAggregationSource | { readonly [accountId: string]: string } | readonly ExpectedSource[];

/** The (account, region) pairs of `sources`. */
export function expectedSources(sources: ExpectedSources): ExpectedSource[] {
    if (Array.isArray(sources)) return [...(sources as readonly ExpectedSource[])];
    const s = sources as AccountAggregationSource;
    if (Array.isArray(s.accountIds) && Array.isArray(s.regions))
        return s.accountIds.flatMap((accountId) => s.regions.map((region) => ({ accountId: String(accountId), region })));
    const byAccount = sources as { readonly [accountId: string]: string };
    return Object.keys(byAccount)
        .sort()
        .flatMap((accountId) =>
            String(byAccount[accountId])
                .split(",")
                .filter(Boolean)
                .map((region) => ({ accountId, region })),
        );
}

/** A failure of the read, of its kind; `partial`: what the read found before it failed (the wait's last read). */
class Failure extends Error {
    constructor(
        readonly kind: AggregatorSourcesStatusError["kind"],
        message: string,
        readonly code?: string,
        readonly partial?: Omit<AggregatorSourcesStatus, "error">,
    ) {
        super(message);
    }
}

function inSeconds(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new Failure(
            "invalidArguments",
            `aggregatorSourcesStatus: ${name} must be a number of seconds from ${min} to ${max}, got ${value}`,
        );
    }
    return value;
}

/** Any failure as a {@link Failure}: a read's, an argument's, or one this code did not expect (named with the aggregator). */
function asFailure(err: unknown, aggregator: AggregatorRef | undefined): Failure {
    if (err instanceof Failure) return err;
    if (isStatusReadError(err)) return new Failure(err.statusFailure, err.message, err.code);
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | undefined)?.code;
    const about = aggregator ? `${readingLabel(aggregator)}: ` : "aggregatorSourcesStatus: ";
    return new Failure("failed", message.startsWith(about) ? message : about + message, typeof code === "string" ? code : undefined);
}

/** The result of a read that found no aggregator: nothing read, every expected source pending. */
function pending(aggregator: AggregatorRef, expected: readonly ExpectedSource[]): Omit<AggregatorSourcesStatus, "error"> {
    return {
        aggregatorName: aggregator.name,
        region: aggregator.region,
        sources: [],
        byAccount: {},
        notSucceeded: unhealthySources(undefined, expected, aggregator),
        allSucceeded: false,
        aggregatorExists: false,
    };
}

/**
 * Is aggregation working? Reads `DescribeConfigurationAggregatorSourcesStatus` for an aggregator
 * (every page) and returns, per source account and region, its status (`SUCCEEDED`, `FAILED`,
 * `OUTDATED`), AWS Config's last error code and message, and the last update time. Run it in the
 * aggregator's stack (or any program with the aggregator account's credentials, or a role there).
 *
 * With `waitFor`, it reads again every `intervalSeconds` until every expected source has succeeded,
 * logging progress, and fails when `timeoutSeconds` have passed, naming each source that did not
 * succeed and the likely cause: no authorization for this aggregator in that account and region,
 * or a region the account has not enabled. A CI pipeline gates on it (docs/is-aggregation-working.md).
 *
 * An aggregator that does not exist (yet: the same `up` may create it) is not a failure: its
 * sources are reported as pending (with a warning in an `up`), and a preview never waits for it;
 * only `waitFor`'s time running out in an `up` fails. Every failure is a `pulumi.RunError` naming the
 * aggregator, the call, the cause and the fix (Pulumi prints it without a stack trace), or with
 * `onError: "return"` the result's `error`: an endpoint that does not implement the operation,
 * access denied (the aggregator account's policy, docs/configuration.md, "IAM permissions"), and the failures of
 * every other call.
 *
 * Needs `config:DescribeConfigurationAggregatorSourcesStatus` in the aggregator account. Each read
 * is one call per 100 sources, under the operation deadline, with the retries of every other call.
 * Runs during `pulumi preview` as well as `pulumi up`.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html
 */
export async function aggregatorSourcesStatus(args: AggregatorSourcesStatusArgs): Promise<AggregatorSourcesStatus> {
    const onError = args.onError ?? "throw";
    if (onError !== "throw" && onError !== "return") {
        throw runError(`aggregatorSourcesStatus: onError must be "throw" or "return", got ${JSON.stringify(onError)}`);
    }
    let aggregator: AggregatorRef | undefined;
    try {
        const region = args.region ?? defaultRegion();
        if (!region)
            throw new Failure("invalidArguments", `aggregatorSourcesStatus: no region: set region, the stack's aws:region, or AWS_REGION`);
        if (!/^[\w-]{1,256}$/.test(args.aggregatorName ?? "")) {
            throw new Failure(
                "invalidArguments",
                `aggregatorSourcesStatus: aggregatorName must be 1 to 256 letters, digits, _ or -, got ${JSON.stringify(args.aggregatorName)}`,
            );
        }
        aggregator = { accountId: args.aggregatorAccountId, region, name: args.aggregatorName };
        return await statusOf(args, aggregator);
    } catch (err) {
        const failure = asFailure(err, aggregator);
        if (onError === "throw") throw runError(failure.message);
        const error = { kind: failure.kind, ...(failure.code !== undefined ? { code: failure.code } : {}), message: failure.message };
        return {
            ...(failure.partial ?? {
                aggregatorName: args.aggregatorName,
                region: aggregator?.region ?? "",
                sources: [],
                byAccount: {},
                notSucceeded: [],
                allSucceeded: false,
            }),
            error,
        };
    }
}

/** The status of `aggregator`'s sources as {@link aggregatorSourcesStatus} returns it, or a failure thrown. */
async function statusOf(args: AggregatorSourcesStatusArgs, aggregator: AggregatorRef): Promise<AggregatorSourcesStatus> {
    const role = args.assumeRole ? { ...args.assumeRole } : undefined;
    const { name, region } = aggregator;
    const read = () => sourcesIfAggregatorExists(name, region, role, aggregator.accountId);
    const result = (rows: SourceStatus[], notSucceeded: Unhealthy[]): AggregatorSourcesStatus => {
        const byAccount: AggregatorSourcesStatus["byAccount"] = {};
        for (const r of rows) (byAccount[r.accountId] ??= {})[r.region] = r.status;
        return {
            aggregatorName: name,
            region,
            sources: rows,
            byAccount,
            notSucceeded,
            allSucceeded: notSucceeded.length === 0,
            aggregatorExists: true,
        };
    };
    const w = args.waitFor;
    const expected = w ? expectedSources(w.sources) : [];
    const timeoutMs = w ? inSeconds("waitFor.timeoutSeconds", w.timeoutSeconds, 900, 0, 24 * 3600) * 1000 : 0;
    const intervalMs = w ? inSeconds("waitFor.intervalSeconds", w.intervalSeconds, 30, 0.01, 3600) * 1000 : 0;
    useStackSettings();
    // Without waitFor, or in a preview, the first read decides; a preview that finds no aggregator does not wait for it.
    let first: SourceStatus[] | undefined;
    if (!w || pulumi.runtime.isDryRun()) {
        first = await read();
        if (!first) {
            // Not a failure: the aggregator may come with this very `up` (or a later one).
            const note = missingAggregatorNote(aggregator, role);
            void (pulumi.runtime.isDryRun() ? pulumi.log.info(note) : pulumi.log.warn(note));
            return pending(aggregator, expected);
        }
        if (!w)
            return result(
                first,
                unhealthySources(
                    first,
                    first.map((r) => ({ accountId: r.accountId, region: r.region })),
                    aggregator,
                ),
            );
    }
    let reused = first;
    const next = async () => {
        const rows = reused ?? (await read());
        reused = undefined;
        return rows;
    };
    const wait = await waitForSources(next, expected, aggregator, {
        timeoutMs,
        intervalMs,
        onProgress: w.onProgress ?? ((m) => void pulumi.log.info(m)),
    });
    if (!wait.exists) {
        const message = missingAggregatorAfterWait(aggregator, role, { timeoutMs, reads: wait.reads, expected: expected.length });
        throw new Failure("noSuchAggregator", message, "NoSuchConfigurationAggregatorException", pending(aggregator, expected));
    }
    const status = result(wait.rows, wait.unhealthy);
    if (wait.unhealthy.length) {
        throw new Failure(
            "notSucceeded",
            `aggregator ${name} (region ${region}): ${wait.unhealthy.length} of the expected sources did not succeed ` +
                `within ${seconds(timeoutMs)} (${wait.reads} reads):\n` +
                wait.unhealthy.map((u) => `  - ${u.reason}`).join("\n"),
            undefined,
            status,
        );
    }
    return status;
}
