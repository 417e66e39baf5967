import * as pulumi from "@pulumi/pulumi";
import { accountIdOf, accountIdProblem, REGION_SHAPE, roleAccount } from "../provider/shared";
import { enabledRegions } from "./reads/regions";
import type { AssumeRoleArgs } from "./base";
import { SourceAccountAuthorizations } from "./source-account";
import { unexpectedPendingRequests, type UnexpectedPendingRequest } from "./pending";

/** One source account of an {@link AggregationAuthorizations}. */
export interface AggregationSourceArgs {
    /** The 12-digit source account; quote an ID that starts with 0. */
    readonly accountId: string | number;
    /**
     * The source regions, or `"enabled"`: every region the account has enabled, read with
     * `account:ListRegions` on each run, so one enabled later is added by the next `up`.
     */
    readonly regions: string[] | "enabled";
    /**
     * Keep only the listed `regions` the account has enabled, instead of failing in an opt-in one.
     * @default false
     */
    readonly onlyEnabledRegions?: boolean;
    /**
     * The role to assume in the account.
     * @default - the stack's credentials
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
    /** The 12-digit account of the aggregator. */
    readonly authorizedAccountId: string | number;
    /** The region of the aggregator. */
    readonly authorizedAwsRegion: string;
    /** The source accounts, each once. */
    readonly sources: AggregationSourceArgs[];
    /**
     * Tags of every authorization.
     * @default - no tags
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Adopt existing authorizations (AWS Control Tower's) instead of failing; see
     * {@link AggregationAuthorization}'s `adoptExisting`.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /**
     * Take existing authorizations over at each child's first create; remove it after that `up`. See
     * {@link AggregationAuthorization}'s `takeOwnership` and docs/migration.md.
     * @default false
     */
    readonly takeOwnership?: pulumi.Input<boolean>;
    /**
     * Report, as a warning and `unexpectedPendingRequests`, requests from aggregators other than the
     * declared one. One call per account and region on every run; roles need
     * `config:DescribePendingAggregationRequests`.
     * @default false
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribePendingAggregationRequests.html
     */
    readonly reportPendingRequests?: boolean;
}

/** `aws.cfg.ConfigurationAggregator`'s `accountAggregationSource` (pulumi-aws v7). */
export interface AccountAggregationSource {
    accountIds: string[];
    regions: string[];
}

/**
 * The sources as the AWS API and CloudFormation spell them.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_AccountAggregationSource.html
 */
export interface ApiAccountAggregationSource {
    AccountIds: string[];
    AwsRegions: string[];
    AllAwsRegions: boolean;
}

const REGION = REGION_SHAPE;

/** The problems of the arguments, each naming one, before anything is registered. */
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
 * Authorizes one aggregator from many source accounts and regions: one
 * {@link SourceAccountAuthorizations} per account, named `<name>-<account>`. An account-based
 * aggregator aggregates every listed account from every listed region, so give every account the
 * same regions (it warns when they differ). Outputs resolve once every authorization exists.
 */
export class AggregationAuthorizations extends pulumi.ComponentResource {
    /** The authorizations, by account. */
    public readonly authorizations: { [accountId: string]: SourceAccountAuthorizations };
    /** For `aws.cfg.ConfigurationAggregator` (pulumi-aws v7): the accounts and the union of their regions. */
    public readonly accountAggregationSource: pulumi.Output<AccountAggregationSource>;
    /** For the AWS API or CloudFormation. */
    public readonly accountAggregationSources: pulumi.Output<ApiAccountAggregationSource[]>;
    /** By account and region. */
    public readonly arns: pulumi.Output<{ [accountId: string]: { [region: string]: string } }>;
    /**
     * Each account's regions, comma-separated: the output to export, as a preview shows one line per
     * changed account where a list, diffed by index, would show every later one changed.
     */
    public readonly regionsByAccount: pulumi.Output<{ [accountId: string]: string }>;
    /** Pending requests from other aggregators; empty unless `reportPendingRequests` is set. */
    public readonly unexpectedPendingRequests: pulumi.Output<UnexpectedPendingRequest[]>;

    constructor(name: string, args: AggregationAuthorizationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("pulumi-aws-config-aggregation:index:AggregationAuthorizations", name, {}, opts);
        const problems = validateArgs(args);
        // Pulumi prints a RunError without a stack trace.
        if (problems.length) throw new pulumi.RunError(`AggregationAuthorizations ${name}: ${problems.join("; ")}`);

        const authorizedAccountId = accountIdOf(args.authorizedAccountId)!;
        const sources = args.sources.map((s) => ({ ...s, accountId: accountIdOf(s.accountId)! }));

        this.authorizations = {};
        const perSource = sources.map((source) => {
            const regions =
                source.regions !== "enabled" && !source.onlyEnabledRegions
                    ? pulumi.output([...source.regions])
                    : pulumi.unsecret(
                          // The role's external ID makes the answer secret; regions are not.
                          pulumi.output(source.assumeRole).apply(async (role) => {
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
                    // Even a role given as an Output cannot then create elsewhere.
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
        // Waits for the ARNs, so that an aggregator built from it is created after its authorizations.
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
