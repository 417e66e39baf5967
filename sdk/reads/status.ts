/**
 * Is aggregation working? The aggregator's source status and a source's pending requests, and the
 * verdict drawn from them. Program-side calls, so not in the provider's deploy policy.
 */
import {
    DescribeConfigurationAggregatorSourcesStatusCommand,
    DescribePendingAggregationRequestsCommand,
    paginateDescribeConfigurationAggregatorSourcesStatus,
    paginateDescribePendingAggregationRequests,
} from "@aws-sdk/client-config-service";
import { configEndpoint, seconds, type RoleSetting, type Target } from "../../provider/shared";
import { describeAggregator, isStatusReadError, statusReadError, type AggregatorRef } from "./status-failures";
import { programAws } from "../program-aws";

/** Each operation's largest `Limit`. */
const STATUS_PAGE = 100;
const PENDING_PAGE = 20;

/** The status of one source account and region of an aggregator. */
export interface SourceStatus {
    /** The account, or for an organization source the organization. */
    accountId: string;
    region: string;
    sourceType: "ACCOUNT" | "ORGANIZATION";
    /** `OUTDATED`: the data is not the most recent. */
    status: "SUCCEEDED" | "FAILED" | "OUTDATED";
    lastErrorCode?: string;
    lastErrorMessage?: string;
    /** ISO 8601. */
    lastUpdateTime?: string;
}

/** An aggregator (account and region) that asked a source account and region for its data. */
export interface PendingRequest {
    accountId: string;
    region: string;
}

/** One (account, region) a program expects an aggregator to aggregate. */
export interface ExpectedSource {
    accountId: string;
    region: string;
}

const byAccountAndRegion = <T extends { accountId: string; region: string }>(a: T, b: T) =>
    a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region);

/**
 * Every source of the aggregator, sorted, under one deadline.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html
 */
export async function describeSourcesStatus(
    aggregatorName: string,
    region: string,
    role?: RoleSetting,
    accountId?: string,
): Promise<SourceStatus[]> {
    const resource = { reads: `aggregator ${aggregatorName}` };
    try {
        return await programAws().withDeadline("reading", resource, async (deadline) => {
            const target: Target = { verb: "reading", resource, region, deadline, role };
            const out: SourceStatus[] = [];
            for await (const page of programAws().pages(
                target,
                paginateDescribeConfigurationAggregatorSourcesStatus,
                new DescribeConfigurationAggregatorSourcesStatusCommand({
                    ConfigurationAggregatorName: aggregatorName,
                    Limit: STATUS_PAGE,
                }),
            )) {
                for (const s of page.AggregatedSourceStatusList ?? []) {
                    out.push({
                        accountId: s.SourceId ?? "",
                        region: s.AwsRegion ?? "",
                        sourceType: s.SourceType ?? "ACCOUNT",
                        status: s.LastUpdateStatus ?? "OUTDATED",
                        ...(s.LastErrorCode ? { lastErrorCode: s.LastErrorCode } : {}),
                        ...(s.LastErrorMessage ? { lastErrorMessage: s.LastErrorMessage } : {}),
                        ...(s.LastUpdateTime ? { lastUpdateTime: s.LastUpdateTime.toISOString() } : {}),
                    });
                }
            }
            return out.sort(byAccountAndRegion);
        });
    } catch (err) {
        throw statusReadError(err, { name: aggregatorName, region, accountId }, role, configEndpoint(region));
    }
}

/** Undefined when there is no such aggregator (yet: the same `up` may create it). */
export async function sourcesIfAggregatorExists(
    aggregatorName: string,
    region: string,
    role?: RoleSetting,
    accountId?: string,
): Promise<SourceStatus[] | undefined> {
    try {
        return await describeSourcesStatus(aggregatorName, region, role, accountId);
    } catch (err) {
        if (isStatusReadError(err) && err.statusFailure === "noSuchAggregator") return undefined;
        throw err;
    }
}

/**
 * The aggregators that asked for the account's data in `region` and are not authorized, sorted.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribePendingAggregationRequests.html
 */
export async function describePendingRequests(region: string, role?: RoleSetting, what = "the source account"): Promise<PendingRequest[]> {
    const resource = { reads: `the pending aggregation requests in ${what}, ${region}` };
    return programAws().withDeadline("reading", resource, async (deadline) => {
        const target: Target = { verb: "reading", resource, region, deadline, role };
        const out: PendingRequest[] = [];
        for await (const page of programAws().pages(
            target,
            paginateDescribePendingAggregationRequests,
            new DescribePendingAggregationRequestsCommand({ Limit: PENDING_PAGE }),
        )) {
            for (const p of page.PendingAggregationRequests ?? []) {
                out.push({ accountId: p.RequesterAccountId ?? "", region: p.RequesterAwsRegion ?? "" });
            }
        }
        return out.sort(byAccountAndRegion);
    });
}

/** An expected source that has not succeeded, and why. */
export interface Unhealthy {
    accountId: string;
    region: string;
    /** Absent when the aggregator does not list it. */
    status?: SourceStatus;
    /** What is wrong and the likely cause. */
    reason: string;
}

/**
 * The expected sources that have not succeeded, with the likely cause: AWS does not document its
 * codes, so the causes are those the setup can have. `rows` undefined: no aggregator (yet).
 */
export function unhealthySources(
    rows: readonly SourceStatus[] | undefined,
    expected: readonly ExpectedSource[],
    aggregator: AggregatorRef,
): Unhealthy[] {
    const out: Unhealthy[] = [];
    const who = `${aggregator.accountId ? `account ${aggregator.accountId}, ` : ""}region ${aggregator.region}`;
    for (const e of [...expected].sort(byAccountAndRegion)) {
        const where = `${e.accountId}/${e.region}`;
        if (!rows) {
            out.push({ ...e, reason: `${where}: pending: ${describeAggregator(aggregator)} does not exist (yet)` });
            continue;
        }
        const row = rows.find((r) => r.accountId === e.accountId && r.region === e.region);
        if (!row) {
            out.push({
                ...e,
                reason:
                    `${where}: not a source of aggregator ${aggregator.name}: add account ${e.accountId} and region ${e.region} ` +
                    `to its account aggregation sources`,
            });
            continue;
        }
        if (row.status === "SUCCEEDED") continue;
        const aws =
            row.lastErrorCode || row.lastErrorMessage ? ` (${[row.lastErrorCode, row.lastErrorMessage].filter(Boolean).join(": ")})` : "";
        const since = row.lastUpdateTime ? `, last updated ${row.lastUpdateTime}` : "";
        const cause =
            row.status === "FAILED"
                ? `likely cause: account ${e.accountId} has no aggregation authorization for the aggregator (${who}) in ${e.region} ` +
                  `(an AggregationAuthorizations source for it makes one), or ${e.region} is not enabled in account ${e.accountId} ` +
                  `(an opt-in region: enable it, or drop it with regions: "enabled")`
                : `AWS Config has not brought this source's latest data yet; it may catch up`;
        out.push({ ...e, status: row, reason: `${where}: ${row.status}${aws}${since}; ${cause}` });
    }
    return out;
}

/** How {@link waitForSources} waits. */
export interface WaitOptions {
    timeoutMs: number;
    intervalMs: number;
    onProgress?: (message: string) => void;
    sleep?: (ms: number) => Promise<void>;
    /** Monotonic, ms. */
    clock?: () => number;
}

/** The last read of a wait. */
export interface WaitResult {
    rows: SourceStatus[];
    exists: boolean;
    unhealthy: Unhealthy[];
    reads: number;
}

/** Reads until every expected source has succeeded or the time is up; the caller decides what a timeout means. */
export async function waitForSources(
    read: () => Promise<SourceStatus[] | undefined>,
    expected: readonly ExpectedSource[],
    aggregator: AggregatorRef,
    options: WaitOptions,
): Promise<WaitResult> {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const clock = options.clock ?? (() => performance.now());
    const start = clock();
    for (let reads = 1; ; reads++) {
        const rows = await read();
        const unhealthy = unhealthySources(rows, expected, aggregator);
        const elapsed = clock() - start;
        if (unhealthy.length === 0 || elapsed + options.intervalMs > options.timeoutMs) {
            return { rows: rows ?? [], exists: rows !== undefined, unhealthy, reads };
        }
        const next = `next read in ${seconds(options.intervalMs)}, giving up after ${seconds(options.timeoutMs)}`;
        const ok = expected.length - unhealthy.length;
        options.onProgress?.(
            rows
                ? `aggregator ${aggregator.name}: ${ok} of ${expected.length} expected sources succeeded; waiting for ` +
                      `${unhealthy.map((u) => `${u.accountId}/${u.region} (${u.status?.status ?? "not a source"})`).join(", ")}; ${next}`
                : `aggregator ${aggregator.name} does not exist yet: waiting for it and its ${expected.length} expected sources; ${next}`,
        );
        await sleep(options.intervalMs);
    }
}
