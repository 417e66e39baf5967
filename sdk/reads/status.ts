/**
 * Is aggregation working? The two Config reads that answer it, one for each side, and the rules
 * that turn their answers into a verdict:
 *
 * - the aggregator side: `DescribeConfigurationAggregatorSourcesStatus`, every page, one row per
 *   source account and region with its last status, error and update time
 *   (https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html);
 * - the source side: `DescribePendingAggregationRequests`, the aggregators that asked for this
 *   account's data in this region and are not authorized
 *   (https://docs.aws.amazon.com/config/latest/APIReference/API_DescribePendingAggregationRequests.html).
 *
 * Both go through `client.ts` (credentials chain, retries, the operation's deadline, errors that
 * say what to do), as every other Config call does; a failed status read is one message per cause
 * (status-failures.ts). `sdk/reads/` holds the calls a program
 * makes itself (never the provider's CRUD), so they are not in the source-account deploy policy
 * that scripts/check-iam-policies.js checks; docs/configuration.md lists their permissions on their own.
 */
import {
    DescribeConfigurationAggregatorSourcesStatusCommand,
    DescribePendingAggregationRequestsCommand,
    paginateDescribeConfigurationAggregatorSourcesStatus,
    paginateDescribePendingAggregationRequests,
} from "@aws-sdk/client-config-service";
import { configEndpoint, pages, seconds, withDeadline, type RoleSetting, type Target } from "../../provider/shared";
import { describeAggregator, isStatusReadError, statusReadError, type AggregatorRef } from "./status-failures";

/** AWS's page size limits (the maximum of each operation's `Limit`). */
const STATUS_PAGE = 100;
const PENDING_PAGE = 20;

/** The sync status of one source account and region of an aggregator. */
export interface SourceStatus {
    /** The source account (or, for an organization source, the organization). */
    accountId: string;
    /** The source region. */
    region: string;
    sourceType: "ACCOUNT" | "ORGANIZATION";
    /** `SUCCEEDED`: data moved; `FAILED`: it did not (see the error); `OUTDATED`: the data is not the most recent. */
    status: "SUCCEEDED" | "FAILED" | "OUTDATED";
    /** The error code AWS Config gave when aggregation from this source last failed. */
    lastErrorCode?: string;
    /** The message AWS Config gave when aggregation from this source last failed. */
    lastErrorMessage?: string;
    /** When AWS Config last updated this source, ISO 8601. */
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
 * Every source of the aggregator `aggregatorName` in the target's region (all pages), sorted by
 * account and region, under one operation deadline. A failure is a {@link StatusReadError} naming the
 * aggregator (and `accountId`, when given, for messages), the call, the cause and the fix.
 */
export async function describeSourcesStatus(
    aggregatorName: string,
    region: string,
    role?: RoleSetting,
    accountId?: string,
): Promise<SourceStatus[]> {
    const resource = { reads: `aggregator ${aggregatorName}` };
    try {
        return await withDeadline("reading", resource, async (deadline) => {
            const target: Target = { verb: "reading", resource, region, deadline, role };
            const out: SourceStatus[] = [];
            for await (const page of pages(
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

/**
 * The sources of the aggregator, or undefined when AWS Config has no aggregator of that name in the
 * account the credentials act in and `region` (not yet, when the same `up` creates it). Every other
 * failure is thrown, as {@link describeSourcesStatus} throws it.
 */
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
 * The aggregators that asked the target's account for its data in `region` and are not authorized
 * there yet (all pages), sorted.
 */
export async function describePendingRequests(region: string, role?: RoleSetting, what = "the source account"): Promise<PendingRequest[]> {
    const resource = { reads: `the pending aggregation requests in ${what}, ${region}` };
    return withDeadline("reading", resource, async (deadline) => {
        const target: Target = { verb: "reading", resource, region, deadline, role };
        const out: PendingRequest[] = [];
        for await (const page of pages(
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

/** A source the program expects that has not succeeded: its status row (if the aggregator lists it) and why. */
export interface Unhealthy {
    accountId: string;
    region: string;
    /** The aggregator's row for it; absent when the aggregator does not list it at all. */
    status?: SourceStatus;
    /** What is wrong and the likely cause, in words. */
    reason: string;
}

/**
 * The expected sources that have not succeeded, with the likely cause of each. The codes AWS gives
 * are not documented, so the causes are those the setup can have, not read from the code: a source
 * is FAILED when the source account has no authorization for this aggregator's account and region
 * in that region, when the region is not enabled in that account (an opt-in region), or when AWS
 * Config cannot reach it; OUTDATED is a source whose latest data has not arrived yet. `rows`
 * undefined: the aggregator does not exist (yet), and every expected source is pending.
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
    /** Longest total wait, ms. */
    timeoutMs: number;
    /** Time between two reads, ms. */
    intervalMs: number;
    /** Told after every read that leaves expected sources not succeeded. */
    onProgress?: (message: string) => void;
    /** Sleeps `ms` (tests pass their own). */
    sleep?: (ms: number) => Promise<void>;
    /** Milliseconds on a monotonic clock (tests pass their own). */
    clock?: () => number;
}

/** The last read of a wait, and the expected sources that did not succeed (empty: all did). */
export interface WaitResult {
    /** The last read's sources; empty when the aggregator did not exist. */
    rows: SourceStatus[];
    /** Whether the aggregator existed at the last read. */
    exists: boolean;
    unhealthy: Unhealthy[];
    /** Reads made. */
    reads: number;
}

/**
 * Reads the sources (`read`; undefined: the aggregator does not exist yet) until every expected one
 * has succeeded or `timeoutMs` has passed (a read that would end after it is not started), telling
 * `onProgress` what it still waits for. Returns the last read either way; the caller decides what a
 * timeout means.
 */
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
