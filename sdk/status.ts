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
import { defaultRegion } from "./program-aws";
import type { AccountAggregationSource } from "./authorizations";

export type { ExpectedSource, SourceStatus, Unhealthy };

/** The role to assume in the aggregator account; plain values, as the read runs in the program. */
export interface StatusRoleArgs {
    readonly roleArn: string;
    /** @default - none */
    readonly externalId?: string;
    /** @default "pulumi-aws-config-aggregation" */
    readonly sessionName?: string;
}

/** How long, and for which sources, {@link aggregatorSourcesStatus} waits. */
export interface WaitForSourcesArgs {
    /** The sources that must succeed. */
    readonly sources: ExpectedSources;
    /**
     * Longest total wait; a new source takes minutes.
     * @default 900
     */
    readonly timeoutSeconds?: number;
    /**
     * Time between two reads.
     * @default 30
     */
    readonly intervalSeconds?: number;
    /**
     * Told after each read that leaves sources waiting.
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
     * @default - the stack's `aws:region`, then `AWS_REGION`, then `AWS_DEFAULT_REGION`
     */
    readonly region?: string;
    /**
     * The aggregator's account, for messages only.
     * @default - not named in messages
     */
    readonly aggregatorAccountId?: string;
    /**
     * A role in the aggregator account.
     * @default - the stack's credentials
     */
    readonly assumeRole?: StatusRoleArgs;
    /**
     * Wait until these sources succeed, or fail naming those that did not and why. A preview never waits.
     * @default - read once, do not wait
     */
    readonly waitFor?: WaitForSourcesArgs;
    /**
     * On failure, `"throw"` a `pulumi.RunError`, or `"return"` the result with `error` set, for a stack
     * that only reports. A missing aggregator fails only when `waitFor` times out.
     * @default "throw"
     */
    readonly onError?: "throw" | "return";
}

/** Why {@link aggregatorSourcesStatus} failed. */
export interface AggregatorSourcesStatusError {
    /**
     * `invalidArguments` (nothing was read); `noSuchAggregator` and `notSucceeded` (`waitFor` timed out);
     * `notImplemented` (an emulator, a proxy); `accessDenied`; `failed` (anything else).
     */
    kind: "invalidArguments" | "noSuchAggregator" | "notImplemented" | "accessDenied" | "notSucceeded" | "failed";
    /** The error code AWS or the SDK gave, if any. */
    code?: string;
    /** What failed and what to do. */
    message: string;
}

/** The source status of an aggregator, shaped for a stack output or a policy check. */
export interface AggregatorSourcesStatus {
    aggregatorName: string;
    region: string;
    /** Sorted by account and region. */
    sources: SourceStatus[];
    byAccount: { [accountId: string]: { [region: string]: SourceStatus["status"] } };
    /** Sources that have not succeeded, with the likely cause. */
    notSucceeded: Unhealthy[];
    /** True when the aggregator exists and `notSucceeded` is empty. */
    allSucceeded: boolean;
    /** False when there is no such aggregator (yet): expected sources are then pending. Absent when the read failed. */
    aggregatorExists?: boolean;
    /** With `onError: "return"`, why it failed. */
    error?: AggregatorSourcesStatusError;
}

/**
 * A `pulumi.RunError` without stack frames: Pulumi's handler runs `util.inspect(err, { colors: true })`,
 * and Node 22 loops for 50 s and more colouring source-mapped `node_modules` frames (nodejs/node#64011).
 */
export function runError(message: string): pulumi.RunError {
    const err = new pulumi.RunError(message);
    err.stack = `${err.name}: ${message}`;
    return err;
}

/** `AggregationAuthorizations`' `accountAggregationSource` or `regionsByAccount`, or (account, region) pairs. */
export type ExpectedSources = AccountAggregationSource | { readonly [accountId: string]: string } | readonly ExpectedSource[];

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

/** `partial`: what the wait's last read found. */
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

/** Any failure as a {@link Failure}, named with the aggregator. */
function asFailure(err: unknown, aggregator: AggregatorRef | undefined): Failure {
    if (err instanceof Failure) return err;
    if (isStatusReadError(err)) return new Failure(err.statusFailure, err.message, err.code);
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | undefined)?.code;
    const about = aggregator ? `${readingLabel(aggregator)}: ` : "aggregatorSourcesStatus: ";
    return new Failure("failed", message.startsWith(about) ? message : about + message, typeof code === "string" ? code : undefined);
}

/** No aggregator: every expected source pending. */
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
 * Is aggregation working? The status of each source of an aggregator, by account and region, with
 * AWS Config's last error. With `waitFor`, reads until the expected sources succeed, so CI can gate on
 * it (docs/is-aggregation-working.md). Needs `config:DescribeConfigurationAggregatorSourcesStatus` in
 * the aggregator account; runs in previews too.
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
    // A preview never waits for a missing aggregator.
    let first: SourceStatus[] | undefined;
    if (!w || pulumi.runtime.isDryRun()) {
        first = await read();
        if (!first) {
            // This very `up` may create it.
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
