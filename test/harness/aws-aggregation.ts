/**
 * Three AWS operations moto does not have, emulated by the test proxy from the state moto holds
 * (aggregators made with PutConfigurationAggregator, aggregation authorizations) and from test data
 * (the regions each account has enabled), each following its API reference:
 *
 * 1. `config:DescribeConfigurationAggregatorSourcesStatus`
 *    (https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html):
 *    one `AggregatedSourceStatus` per source account and region of the named aggregator in the
 *    caller's account and region, `SUCCEEDED` when that account holds an authorization for the
 *    aggregator's account and region in that region, else `FAILED` with an error code and message.
 *    `UpdateStatus` filters; `Limit` 0 to 100 (0: the default, the maximum); `NextToken` pages;
 *    `NoSuchConfigurationAggregatorException`, `InvalidLimitException`, `InvalidNextTokenException`.
 *    The reference lists no values of `LastErrorCode`: the two below are this emulation's, and the
 *    package never decides anything by them.
 * 2. `config:DescribePendingAggregationRequests`
 *    (https://docs.aws.amazon.com/config/latest/APIReference/API_DescribePendingAggregationRequests.html,
 *    and `PendingAggregationRequest`: "an aggregator account that is requesting authorization but is
 *    not yet authorized"): every aggregator (of any account) whose account sources list the caller's
 *    account and region and that the caller has not authorized there. `Limit` 0 to 20.
 * 3. `account:ListRegions` (https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html):
 *    every region of the aws partition with its `RegionOptStatus` for the caller's account (the
 *    opt-in regions `DISABLED` unless a test enables them); `RegionOptStatusContains` filters;
 *    `MaxResults` 1 to 50; `AccountId` of another account is refused (no organization here).
 */
import type * as http from "node:http";
import type { Verdict } from "./aws-faithful";

/** Sends a Config call to moto as `account` in `region` (moto takes the account from `x-moto-account-id`). */
export type ConfigAs = (
    headers: http.IncomingHttpHeaders,
    account: string,
    region: string,
    operation: string,
    body: object,
) => Promise<Record<string, unknown> | undefined>;

export type RegionOptStatus = "ENABLED" | "ENABLING" | "DISABLING" | "DISABLED" | "ENABLED_BY_DEFAULT";

/** The regions of the aws partition that an account must enable (AWS General Reference, "Enable or disable Regions"). */
export const OPT_IN_REGIONS = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];
/** The regions every account has without opting in (the emulation's ENABLED_BY_DEFAULT). */
export const DEFAULT_REGIONS = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/** The emulation's error codes of a failed source (see 1. above). */
export const SOURCE_ERRORS = {
    unauthorized: {
        code: "AuthorizationNotFound",
        message: (aggregator: string, region: string) =>
            `The source account has not authorized the aggregator account and region ${aggregator} in ${region}.`,
    },
    regionDisabled: {
        code: "RegionNotEnabled",
        message: (region: string) => `The region ${region} is not enabled for the source account.`,
    },
};

interface AccountSource {
    AccountIds?: string[];
    AwsRegions?: string[];
    AllAwsRegions?: boolean;
}

const error = (code: string, message: string): Verdict => ({ error: { status: 400, code, message } });

/** A page of `items` from the offset in `token` (the emulation's NextToken is the offset). */
function page<T>(items: T[], limit: number, token: unknown): { items: T[]; next?: string } | undefined {
    const start = token === undefined ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0 || start > items.length) return undefined;
    const end = start + limit;
    return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

export class AggregationEmulation {
    /** Every aggregator moto was asked to make: `account/region/name` (its sources are read back from moto). */
    private readonly aggregators = new Set<string>();
    /** Region opt-in statuses set by tests, by account; others are the partition's defaults. */
    private readonly optIn = new Map<string, Map<string, RegionOptStatus>>();

    constructor(private readonly configAs: ConfigAs) {}

    /** Test data: `region`'s opt-in status in `account`. */
    setRegion(account: string, region: string, status: RegionOptStatus): void {
        let m = this.optIn.get(account);
        if (!m) this.optIn.set(account, (m = new Map()));
        m.set(region, status);
    }

    /** Forgets the test data (between tests, as moto forgets its resources). */
    forget(): void {
        this.optIn.clear();
        this.aggregators.clear();
    }

    /** Every region of the partition with its opt-in status in `account`. */
    regionsOf(account: string): { RegionName: string; RegionOptStatus: RegionOptStatus }[] {
        const set = this.optIn.get(account);
        const all = [...new Set([...DEFAULT_REGIONS, ...OPT_IN_REGIONS, ...(set?.keys() ?? [])])].sort();
        return all.map((r) => ({
            RegionName: r,
            RegionOptStatus: set?.get(r) ?? (OPT_IN_REGIONS.includes(r) ? "DISABLED" : "ENABLED_BY_DEFAULT"),
        }));
    }

    private enabled(account: string, region: string): boolean {
        const s = this.regionsOf(account).find((r) => r.RegionName === region)?.RegionOptStatus;
        return s === "ENABLED" || s === "ENABLED_BY_DEFAULT";
    }

    recordAggregator(account: string, region: string, name: string): void {
        this.aggregators.add(`${account}/${region}/${name}`);
    }

    private async aggregator(
        headers: http.IncomingHttpHeaders,
        account: string,
        region: string,
        name: string,
    ): Promise<AccountSource[] | undefined> {
        const r = await this.configAs(headers, account, region, "DescribeConfigurationAggregators", {
            ConfigurationAggregatorNames: [name],
        });
        const found = (r?.ConfigurationAggregators as { AccountAggregationSources?: AccountSource[] }[] | undefined)?.[0];
        return found ? (found.AccountAggregationSources ?? []) : undefined;
    }

    private async authorized(
        headers: http.IncomingHttpHeaders,
        source: string,
        region: string,
        aggregator: string,
        aggregatorRegion: string,
    ): Promise<boolean> {
        let NextToken: string | undefined;
        do {
            const r = await this.configAs(headers, source, region, "DescribeAggregationAuthorizations", NextToken ? { NextToken } : {});
            const list = (r?.AggregationAuthorizations as { AuthorizedAccountId?: string; AuthorizedAwsRegion?: string }[]) ?? [];
            if (list.some((a) => a.AuthorizedAccountId === aggregator && a.AuthorizedAwsRegion === aggregatorRegion)) return true;
            NextToken = r?.NextToken as string | undefined;
        } while (NextToken);
        return false;
    }

    /** The (account, region) pairs an aggregator's account sources name. */
    private pairs(sources: AccountSource[]): [string, string][] {
        const out: [string, string][] = [];
        for (const s of sources) {
            for (const account of s.AccountIds ?? []) {
                const regions = s.AllAwsRegions ? this.regionsOf(account).map((r) => r.RegionName) : (s.AwsRegions ?? []);
                for (const region of regions) out.push([account, region]);
            }
        }
        return out;
    }

    /** 1. DescribeConfigurationAggregatorSourcesStatus, in the caller's `account` and `region`. */
    async sourcesStatus(
        headers: http.IncomingHttpHeaders,
        account: string,
        region: string,
        body: Record<string, unknown>,
    ): Promise<Verdict> {
        const name = String(body.ConfigurationAggregatorName ?? "");
        const limit = body.Limit === undefined || body.Limit === 0 ? 100 : Number(body.Limit);
        if (!Number.isInteger(limit) || limit < 0 || limit > 100) return error("InvalidLimitException", "Limit must be from 0 to 100.");
        const sources = await this.aggregator(headers, account, region, name);
        if (!sources) return error("NoSuchConfigurationAggregatorException", `The configuration aggregator ${name} does not exist.`);
        const now = Math.floor(Date.now() / 1000);
        const rows: Record<string, unknown>[] = [];
        for (const [source, sourceRegion] of this.pairs(sources)) {
            const row = { SourceId: source, SourceType: "ACCOUNT", AwsRegion: sourceRegion, LastUpdateTime: now };
            if (!this.enabled(source, sourceRegion)) {
                const e = SOURCE_ERRORS.regionDisabled;
                rows.push({ ...row, LastUpdateStatus: "FAILED", LastErrorCode: e.code, LastErrorMessage: e.message(sourceRegion) });
            } else if (!(await this.authorized(headers, source, sourceRegion, account, region))) {
                const e = SOURCE_ERRORS.unauthorized;
                rows.push({ ...row, LastUpdateStatus: "FAILED", LastErrorCode: e.code, LastErrorMessage: e.message(account, region) });
            } else rows.push({ ...row, LastUpdateStatus: "SUCCEEDED" });
        }
        const wanted = body.UpdateStatus as string[] | undefined;
        const filtered = wanted ? rows.filter((r) => wanted.includes(r.LastUpdateStatus as string)) : rows;
        const p = page(filtered, limit, body.NextToken);
        if (!p) return error("InvalidNextTokenException", "The specified next token is not valid.");
        return { answer: { AggregatedSourceStatusList: p.items, ...(p.next ? { NextToken: p.next } : {}) } };
    }

    /** 2. DescribePendingAggregationRequests, in the caller's `account` and `region`. */
    async pendingRequests(
        headers: http.IncomingHttpHeaders,
        account: string,
        region: string,
        body: Record<string, unknown>,
    ): Promise<Verdict> {
        const limit = body.Limit === undefined || body.Limit === 0 ? 20 : Number(body.Limit);
        if (!Number.isInteger(limit) || limit < 0 || limit > 20) return error("InvalidLimitException", "Limit must be from 0 to 20.");
        const pending: { RequesterAccountId: string; RequesterAwsRegion: string }[] = [];
        for (const key of [...this.aggregators].sort()) {
            const [aggregator, aggregatorRegion, name] = key.split("/");
            if (pending.some((p) => p.RequesterAccountId === aggregator && p.RequesterAwsRegion === aggregatorRegion)) continue;
            const sources = await this.aggregator(headers, aggregator, aggregatorRegion, name);
            if (!sources || !this.pairs(sources).some(([a, r]) => a === account && r === region)) continue;
            if (await this.authorized(headers, account, region, aggregator, aggregatorRegion)) continue;
            pending.push({ RequesterAccountId: aggregator, RequesterAwsRegion: aggregatorRegion });
        }
        const p = page(pending, limit, body.NextToken);
        if (!p) return error("InvalidNextTokenException", "The specified next token is not valid.");
        return { answer: { PendingAggregationRequests: p.items, ...(p.next ? { NextToken: p.next } : {}) } };
    }

    /** 3. account:ListRegions for the caller's `account`. */
    listRegions(account: string, body: Record<string, unknown>): Verdict {
        if (body.AccountId !== undefined && body.AccountId !== account) {
            return error(
                "AccessDeniedException",
                `The caller is not in the management account of an organization that holds ${body.AccountId}.`,
            );
        }
        const max = body.MaxResults === undefined ? 50 : Number(body.MaxResults);
        if (!Number.isInteger(max) || max < 1 || max > 50) return error("ValidationException", "MaxResults must be from 1 to 50.");
        const wanted = body.RegionOptStatusContains as string[] | undefined;
        const regions = this.regionsOf(account).filter((r) => !wanted || wanted.includes(r.RegionOptStatus));
        const p = page(regions, max, body.NextToken);
        if (!p) return error("ValidationException", "The specified next token is not valid.");
        return { answer: { Regions: p.items, ...(p.next ? { NextToken: p.next } : {}) } };
    }
}
