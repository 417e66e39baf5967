import * as pulumi from "@pulumi/pulumi";
import { accountIdOf, accountIdProblem, REGION_SHAPE, roleAccount } from "../provider/shared";
import { enabledRegions } from "./reads/regions";
import type { AssumeRoleArgs } from "./base";
import { SourceAccountAuthorizations } from "./source-account";
import { useStackSettings } from "./program-aws";
import { unexpectedPendingRequests, type UnexpectedPendingRequest } from "./pending";

/** One source account of an {@link AggregationAuthorizations}: the account, how to reach it, and its regions. */
export interface AggregationSourceArgs {
    /**
     * The 12-digit source account. With `assumeRole`, the role must be in this account. A 12-digit
     * number (as `pulumi config set --path` stores one) means its digits; quote an ID that starts with 0.
     */
    readonly accountId: string | number;
    /**
     * The source regions to authorize the aggregator from: one authorization each. `"enabled"`: every
     * region the account has enabled (`account:ListRegions`, `ENABLED` and `ENABLED_BY_DEFAULT`), read
     * through `assumeRole` while the program runs, so an opt-in region the account has not enabled is
     * skipped, and one it enables later shows up as an added region in the next preview.
     */
    readonly regions: string[] | "enabled";
    /**
     * With a list of `regions`: keep only those the account has enabled (the same `account:ListRegions`
     * call), instead of failing the `up` in an opt-in region it has not enabled.
     * @default false
     */
    readonly onlyEnabledRegions?: boolean;
    /**
     * The role to assume in the account.
     * @default - the stack's credentials, which must then belong to `accountId`
     */
    readonly assumeRole?: AssumeRoleArgs;
    /**
     * Tags for this account's authorizations, over the component's `tags`.
     * @default - the component's tags
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

/** The arguments of an {@link AggregationAuthorizations}. */
export interface AggregationAuthorizationsArgs {
    /** The 12-digit account of the aggregator (a string, or a 12-digit number). */
    readonly authorizedAccountId: string | number;
    /** The region of the aggregator. */
    readonly authorizedAwsRegion: string;
    /** The source accounts, each with its regions (and role). An account appears once. */
    readonly sources: AggregationSourceArgs[];
    /**
     * Tags of every authorization.
     * @default - no tags (the stack's `aws:defaultTags` still apply)
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Adopt authorizations that exist already (AWS Control Tower's) instead of failing; see
     * {@link AggregationAuthorization}'s `adoptExisting`.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /**
     * Take existing authorizations over at each child's first create: from pulumi-aws or Terraform, or from
     * this stack's earlier per-region children (docs/migration.md, "Moving to SourceAccountAuthorizations with no gap").
     * Remove it after that `up`. See {@link AggregationAuthorization}'s `takeOwnership`.
     * @default false
     */
    readonly takeOwnership?: pulumi.Input<boolean>;
    /**
     * Read `DescribePendingAggregationRequests` in every source account and region, and report (as
     * the `unexpectedPendingRequests` output and a warning) each request from an aggregator that is
     * not the declared one. It only reads: it never authorizes an aggregator it was not told to.
     * Costs one call per source account and region (per 20 requests) on every preview and up, made
     * by the program through each source's role, which needs `config:DescribePendingAggregationRequests`.
     * @default false
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribePendingAggregationRequests.html
     */
    readonly reportPendingRequests?: boolean;
}

/**
 * What `aws.cfg.ConfigurationAggregator` (pulumi-aws v7) takes as its `accountAggregationSource`: one
 * block, every listed account aggregated from every listed region.
 */
export interface AccountAggregationSource {
    accountIds: string[];
    regions: string[];
}

/**
 * The same sources in the shape of the AWS API's `AccountAggregationSources` (`PutConfigurationAggregator`
 * in the AWS SDKs, CloudFormation's `AWS::Config::ConfigurationAggregator`), keys as the API spells them.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_AccountAggregationSource.html
 */
export interface ApiAccountAggregationSource {
    AccountIds: string[];
    AwsRegions: string[];
    AllAwsRegions: boolean;
}

const REGION = REGION_SHAPE;

/**
 * Checks the arguments before anything is registered; each failure names the argument. Account IDs
 * are compared in their 12-digit string form, whether given as strings or as numbers.
 */
function validateArgs(args: AggregationAuthorizationsArgs): string[] {
    const out: string[] = [];
    const aggregator = accountIdProblem("authorizedAccountId", args.authorizedAccountId);
    if (aggregator !== undefined) out.push(aggregator);
    if (!REGION.test(String(args.authorizedAwsRegion)))
        out.push(`authorizedAwsRegion must be a region name such as us-east-1, got ${JSON.stringify(args.authorizedAwsRegion)}`);
    if (!Array.isArray(args.sources) || args.sources.length === 0) return [...out, "sources must list at least one source account"];
    const seen = new Set<string>();
    args.sources.forEach((s, i) => {
        const where = `sources[${i}]`;
        const accountId = accountIdOf(s.accountId);
        if (accountId === undefined) out.push(accountIdProblem(`${where}.accountId`, s.accountId)!);
        else if (seen.has(accountId))
            out.push(`${where}.accountId ${accountId} is listed twice; list each account once, with all its regions`);
        if (accountId !== undefined) seen.add(accountId);
        if (s.regions === "enabled") {
            // Read from AWS while the program runs.
        } else if (!Array.isArray(s.regions) || s.regions.length === 0)
            out.push(`${where}.regions must list at least one region, or be "enabled"`);
        else {
            s.regions.forEach((r, j) => {
                if (!REGION.test(String(r)))
                    out.push(`${where}.regions[${j}] must be a region name such as eu-west-1, got ${JSON.stringify(r)}`);
                else if ((s.regions as string[]).indexOf(r) !== j) out.push(`${where}.regions[${j}] ${r} is listed twice`);
            });
        }
        const arn = s.assumeRole?.roleArn;
        if (typeof arn === "string") {
            const account = roleAccount(arn);
            if (account === undefined)
                out.push(
                    `${where}.assumeRole.roleArn must be an IAM role ARN such as arn:aws:iam::${accountId ?? "123456789012"}:role/config-authorizer, got ${JSON.stringify(arn)}`,
                );
            else if (accountId !== undefined && account !== accountId)
                out.push(`${where}.assumeRole.roleArn is a role in account ${account}, but the source is account ${accountId}`);
        }
    });
    return out;
}

/**
 * Authorizes one aggregator (account, region) from many source accounts × regions: one
 * {@link SourceAccountAuthorizations} per source account, named `<name>-<account>`, holding that
 * account's authorizations in all its regions and reached through its role. Adding or removing a region
 * creates or deletes exactly that authorization (an update of the account's resource); adding or
 * removing an account creates or deletes that account's resource. One resource per account, not per
 * authorization: 300 accounts × 17 regions are 300 resources in the engine, not 5,100.
 *
 * Outputs, once every authorization exists: `accountAggregationSource` for
 * `aws.cfg.ConfigurationAggregator`, `accountAggregationSources` in the AWS API's shape, `arns` by
 * account and region, and `regionsByAccount` (the one to export for review). An account-based aggregator aggregates every listed account from every listed
 * region, so give every account the same regions (the component warns when they differ).
 *
 * A source's `regions: "enabled"` (or `onlyEnabledRegions`) asks `account:ListRegions` through its
 * role while the program runs, once per account and run; `reportPendingRequests` asks
 * `DescribePendingAggregationRequests` in every source account and region and reports requests from
 * other aggregators (`unexpectedPendingRequests`), never authorizing them.
 */
export class AggregationAuthorizations extends pulumi.ComponentResource {
    /** The authorizations, by account: each account's resource holds its regions. */
    public readonly authorizations: { [accountId: string]: SourceAccountAuthorizations };
    /** `aws.cfg.ConfigurationAggregator`'s `accountAggregationSource` (pulumi-aws v7): the accounts and the union of their regions, sorted. */
    public readonly accountAggregationSource: pulumi.Output<AccountAggregationSource>;
    /** The AWS API's / CloudFormation's `AccountAggregationSources`. */
    public readonly accountAggregationSources: pulumi.Output<ApiAccountAggregationSource[]>;
    /** The ARN of every authorization, by account and region. */
    public readonly arns: pulumi.Output<{ [accountId: string]: { [region: string]: string } }>;
    /**
     * Each source account's regions, sorted and comma-separated, by account: the output to export for
     * review. A preview shows one line per account that changes, and removing an account removes its
     * line; the lists of `accountAggregationSource` are diffed by index, so there every later account
     * would read as changed.
     */
    public readonly regionsByAccount: pulumi.Output<{ [accountId: string]: string }>;
    /**
     * Pending aggregation requests in the source accounts from aggregators other than the declared
     * one, sorted; empty unless `reportPendingRequests` is set.
     */
    public readonly unexpectedPendingRequests: pulumi.Output<UnexpectedPendingRequest[]>;

    constructor(name: string, args: AggregationAuthorizationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("pulumi-aws-config-aggregation:index:AggregationAuthorizations", name, {}, opts);
        const problems = validateArgs(args);
        // A RunError: Pulumi prints its message alone, without the stack trace of an unhandled exception.
        if (problems.length) throw new pulumi.RunError(`AggregationAuthorizations ${name}: ${problems.join("; ")}`);

        // From here on, account IDs are their 12-digit strings (validateArgs accepted each).
        const authorizedAccountId = accountIdOf(args.authorizedAccountId)!;
        const sources = args.sources.map((s) => ({ ...s, accountId: accountIdOf(s.accountId)! }));

        this.authorizations = {};
        // Each source's regions: listed, or read from account:ListRegions while the program runs (during
        // preview as during up) when the source asks for its enabled regions.
        const perSource = sources.map((source) => {
            const regions =
                source.regions !== "enabled" && !source.onlyEnabledRegions
                    ? pulumi.output([...source.regions])
                    : pulumi.unsecret(
                          // The external ID of a role makes the answer secret; a list of regions holds no secret.
                          pulumi.output(source.assumeRole).apply(async (role) => {
                              useStackSettings();
                              const setting = role
                                  ? { roleArn: role.roleArn, externalId: role.externalId, sessionName: role.sessionName }
                                  : undefined;
                              const enabled = await enabledRegions(source.accountId, args.authorizedAwsRegion, setting);
                              const listed = source.regions === "enabled" ? undefined : source.regions;
                              return listed ? listed.filter((r) => enabled.includes(r)) : enabled;
                          }),
                      );
            const tags =
                source.tags === undefined
                    ? args.tags
                    : pulumi.all([args.tags ?? {}, source.tags]).apply(([common, own]) => ({ ...common, ...own }));
            const a = new SourceAccountAuthorizations(
                `${name}-${source.accountId}`,
                {
                    authorizedAccountId,
                    authorizedAwsRegion: args.authorizedAwsRegion,
                    regions,
                    tags,
                    adoptExisting: args.adoptExisting,
                    takeOwnership: args.takeOwnership,
                    assumeRole: source.assumeRole,
                    // The account it must land in: a role (even one given as an Output) or credentials acting
                    // elsewhere fail the preview or the create, never create in another account.
                    sourceAccountId: source.accountId,
                },
                { parent: this },
            );
            this.authorizations[source.accountId] = a;
            return { regions, arns: a.arns };
        });

        const accountIds = sources.map((s) => s.accountId).sort();
        const allArns = pulumi.all(perSource.map((p) => p.arns));
        const allRegions = pulumi.all(perSource.map((p) => p.regions));
        allRegions.apply((lists) => {
            if (new Set(lists.map((l) => [...l].sort().join(","))).size > 1) {
                pulumi.log.warn(
                    `the source accounts list different regions; an account-based aggregator aggregates every account from every listed region, ` +
                        `so it will report the missing (account, region) pairs as failed sources`,
                    this,
                );
            }
        });
        // Known from the arguments (or the accounts' enabled regions), but only handed on once every
        // authorization exists, so that an aggregator built from them is created after the authorizations it needs.
        const source = pulumi.all([allRegions, allArns]).apply(([lists]) => ({ accountIds, regions: [...new Set(lists.flat())].sort() }));
        this.accountAggregationSource = source;
        this.accountAggregationSources = source.apply((s) => [{ AccountIds: s.accountIds, AwsRegions: s.regions, AllAwsRegions: false }]);
        this.regionsByAccount = pulumi.all([allRegions, allArns]).apply(([lists]): { [accountId: string]: string } => {
            const rows = sources.map((s, i): [string, string] => [s.accountId, [...(lists[i] as string[])].sort().join(",")]);
            return Object.fromEntries(rows.sort(([a], [b]) => a.localeCompare(b)));
        });
        this.arns = allArns.apply((byAccount) => Object.fromEntries(sources.map((s, i) => [s.accountId, { ...byAccount[i] }])));
        this.unexpectedPendingRequests = args.reportPendingRequests
            ? unexpectedPendingRequests(
                  this,
                  sources.map((s, i) => ({ ...s, regions: perSource[i].regions })),
                  { accountId: authorizedAccountId, region: args.authorizedAwsRegion },
              )
            : pulumi.output([]);
        this.registerOutputs({
            unexpectedPendingRequests: this.unexpectedPendingRequests,
            accountAggregationSource: this.accountAggregationSource,
            accountAggregationSources: this.accountAggregationSources,
            arns: this.arns,
            regionsByAccount: this.regionsByAccount,
        });
    }
}
