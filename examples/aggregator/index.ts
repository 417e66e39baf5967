// The aggregator account turns the source stacks' outputs into account aggregation sources. A source
// stack is either examples/source-account (one account: sourceAccountId, regions, arns by region) or
// examples/organization (many: regionsByAccount, arns by account and region). With
// aggregatorName set, it also reports whether that aggregator's sources work, and on `pulumi up`
// waits until every source it expects has succeeded (failing the up, and so the pipeline, if not).
import * as pulumi from "@pulumi/pulumi";
import { aggregatorSourcesStatus } from "pulumi-aws-config-aggregation";

const config = new pulumi.Config();
const sourceStacks = config.requireObject<string[]>("sourceStacks");
const aggregatorName = config.get("aggregatorName");
const aggregatorRoleArn = config.get("aggregatorRoleArn");

interface Source {
    accountIds: string[];
    regions: string[];
    arns: string[];
}

const sources = sourceStacks.map((name) => {
    const ref = new pulumi.StackReference(name);
    return pulumi
        .all([ref.getOutput("regionsByAccount"), ref.getOutput("sourceAccountId"), ref.getOutput("regions"), ref.getOutput("arns")])
        .apply(([org, accountId, regions, arns]): Source => {
            if (org) {
                const byAccount = org as Record<string, string>;
                return {
                    accountIds: Object.keys(byAccount),
                    regions: [...new Set(Object.values(byAccount).flatMap((r) => r.split(",")))],
                    arns: Object.values((arns ?? {}) as Record<string, Record<string, string>>).flatMap((r) => Object.values(r)),
                };
            }
            if (!accountId) throw new Error(`stack ${name} exports neither regionsByAccount nor sourceAccountId`);
            return { accountIds: [accountId as string], regions: regions as string[], arns: Object.values(arns as Record<string, string>) };
        });
});

/** The accountAggregationSources of the AWS API (and CloudFormation): one per source stack. */
export const accountAggregationSources = pulumi
    .all(sources)
    .apply((all) => all.map((s) => ({ AccountIds: [...s.accountIds].sort(), AwsRegions: [...s.regions].sort(), AllAwsRegions: false })));
/**
 * What aws.cfg.ConfigurationAggregator (pulumi-aws v7) takes as accountAggregationSource: one block,
 * every account from every region, e.g.
 * `new aws.cfg.ConfigurationAggregator("org", { accountAggregationSource })`.
 */
export const accountAggregationSource = pulumi.all(sources).apply((all) => ({
    accountIds: [...new Set(all.flatMap((s) => s.accountIds))].sort(),
    regions: [...new Set(all.flatMap((s) => s.regions))].sort(),
}));
/** Every authorization the aggregator relies on, for auditing. */
export const authorizationArns = pulumi.all(sources).apply((all) => all.flatMap((s) => s.arns).sort());

/**
 * Is aggregation working? Per source account and region: status, last error, last update. A preview
 * reads once; `pulumi up` waits (up to waitSeconds) for every expected source and fails naming those
 * that did not succeed and the likely cause.
 */
export const sourceStatus = aggregatorName
    ? accountAggregationSource.apply((expected) =>
          aggregatorSourcesStatus({
              aggregatorName,
              assumeRole: aggregatorRoleArn ? { roleArn: aggregatorRoleArn } : undefined,
              waitFor: pulumi.runtime.isDryRun()
                  ? undefined
                  : { sources: expected, timeoutSeconds: config.getNumber("waitSeconds") ?? 900, intervalSeconds: 30 },
          }).then((s) => ({ allSucceeded: s.allSucceeded, byAccount: s.byAccount, notSucceeded: s.notSucceeded.map((u) => u.reason) })),
      )
    : undefined;
