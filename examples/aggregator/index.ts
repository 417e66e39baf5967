// The aggregator account turns the source stacks' outputs into account aggregation sources.
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const sourceStacks = config.requireObject<string[]>("sourceStacks");

const sources = sourceStacks.map((name) => {
    const ref = new pulumi.StackReference(name);
    return pulumi
        .all([ref.requireOutput("sourceAccountId"), ref.requireOutput("regions"), ref.requireOutput("arns")])
        .apply(([accountId, regions, arns]) => ({
            accountId: accountId as string,
            regions: regions as string[],
            arns: arns as Record<string, string>,
        }));
});

/** The accountAggregationSources of an aws.cfg.ConfigurationAggregator: one per source account. */
export const accountAggregationSources = pulumi
    .all(sources)
    .apply((all) => all.map((s) => ({ accountIds: [s.accountId], awsRegions: [...s.regions].sort(), allAwsRegions: false })));
/** Every authorization the aggregator relies on, for auditing. */
export const authorizationArns = pulumi.all(sources).apply((all) => all.flatMap((s) => Object.values(s.arns)).sort());
