import * as pulumi from "@pulumi/pulumi";
import { seconds } from "../provider/core/aws/limits";
import {
    describeSourcesStatus,
    unhealthySources,
    waitForSources,
    type ExpectedSource,
    type SourceStatus,
    type Unhealthy,
} from "../provider/checks/status";
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
     * The sources that must succeed: an {@link AccountAggregationSource} (every account from every
     * region, what `AggregationAuthorizations` outputs and `aws.cfg.ConfigurationAggregator` takes), or a
     * list of (account, region).
     */
    readonly sources: AccountAggregationSource | readonly ExpectedSource[];
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
     * likely cause, when the time is up.
     * @default - read once, do not wait
     */
    readonly waitFor?: WaitForSourcesArgs;
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
    /** True when `notSucceeded` is empty. */
    allSucceeded: boolean;
}

/** The (account, region) pairs of `sources`. */
export function expectedSources(sources: AccountAggregationSource | readonly ExpectedSource[]): ExpectedSource[] {
    if (Array.isArray(sources)) return [...(sources as readonly ExpectedSource[])];
    const s = sources as AccountAggregationSource;
    return s.accountIds.flatMap((accountId) => s.regions.map((region) => ({ accountId: String(accountId), region })));
}

function inSeconds(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new pulumi.RunError(`aggregatorSourcesStatus: ${name} must be a number of seconds from ${min} to ${max}, got ${value}`);
    }
    return value;
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
 * or a region the account has not enabled. A CI pipeline gates on it (README "Is aggregation working?").
 *
 * Needs `config:DescribeConfigurationAggregatorSourcesStatus` in the aggregator account. Each read
 * is one call per 100 sources, under the operation deadline, with the retries of every other call.
 * Runs during `pulumi preview` as well as `pulumi up`.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html
 */
export async function aggregatorSourcesStatus(args: AggregatorSourcesStatusArgs): Promise<AggregatorSourcesStatus> {
    const region = args.region ?? defaultRegion();
    if (!region) throw new pulumi.RunError(`aggregatorSourcesStatus: no region: set region, the stack's aws:region, or AWS_REGION`);
    if (!/^[\w-]{1,256}$/.test(args.aggregatorName ?? "")) {
        throw new pulumi.RunError(
            `aggregatorSourcesStatus: aggregatorName must be 1 to 256 letters, digits, _ or -, got ${JSON.stringify(args.aggregatorName)}`,
        );
    }
    useStackSettings();
    const role = args.assumeRole ? { ...args.assumeRole } : undefined;
    const read = () => describeSourcesStatus(args.aggregatorName, region, role);
    const aggregator = { accountId: args.aggregatorAccountId, region, name: args.aggregatorName };
    let rows: SourceStatus[];
    let notSucceeded: Unhealthy[];
    if (args.waitFor) {
        const w = args.waitFor;
        const timeoutMs = inSeconds("waitFor.timeoutSeconds", w.timeoutSeconds, 900, 0, 24 * 3600) * 1000;
        const intervalMs = inSeconds("waitFor.intervalSeconds", w.intervalSeconds, 30, 0.01, 3600) * 1000;
        const result = await waitForSources(read, expectedSources(w.sources), aggregator, {
            timeoutMs,
            intervalMs,
            onProgress: w.onProgress ?? ((m) => void pulumi.log.info(m)),
        });
        rows = result.rows;
        notSucceeded = result.unhealthy;
        if (notSucceeded.length) {
            throw new pulumi.RunError(
                `aggregator ${args.aggregatorName} (region ${region}): ${notSucceeded.length} of the expected sources did not succeed ` +
                    `within ${seconds(timeoutMs)} (${result.reads} reads):\n` +
                    notSucceeded.map((u) => `  - ${u.reason}`).join("\n"),
            );
        }
    } else {
        rows = await read();
        notSucceeded = unhealthySources(
            rows,
            rows.map((r) => ({ accountId: r.accountId, region: r.region })),
            aggregator,
        );
    }
    const byAccount: AggregatorSourcesStatus["byAccount"] = {};
    for (const r of rows) (byAccount[r.accountId] ??= {})[r.region] = r.status;
    return { aggregatorName: args.aggregatorName, region, sources: rows, byAccount, notSucceeded, allSucceeded: notSucceeded.length === 0 };
}
