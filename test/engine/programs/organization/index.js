// Engine-test program: one AggregationAuthorizations component named `org` for the aggregator in the
// `aggregatorAccountId`/`aggregatorRegion` config, over the `sources` config (JSON list of
// {accountId, regions (a list or "enabled"), onlyEnabledRegions?, roleArn?, roleAsOutput?}). The optional secret config `externalId` is passed with every role;
// the optional `reportPendingRequests` and `takeOwnership` are the component's.
// Exports the component's outputs.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { AggregationAuthorizations } = require("pulumi-aws-config-aggregation");

const config = new pulumi.Config();
const sources = JSON.parse(config.require("sources"));
const externalId = config.getSecret("externalId");

const org = new AggregationAuthorizations("org", {
    authorizedAccountId: config.require("aggregatorAccountId"),
    authorizedAwsRegion: config.require("aggregatorRegion"),
    tags: config.getObject("tags") ?? { team: "platform" },
    reportPendingRequests: config.getBoolean("reportPendingRequests"),
    takeOwnership: config.getBoolean("takeOwnership"),
    sources: sources.map((s) => ({
        accountId: s.accountId,
        regions: s.regions,
        onlyEnabledRegions: s.onlyEnabledRegions,
        // roleAsOutput: the role ARN as an Output, as a program passes one made by another resource.
        ...(s.roleArn
            ? { assumeRole: { roleArn: s.roleAsOutput ? pulumi.output(s.roleArn) : s.roleArn, ...(externalId ? { externalId } : {}) } }
            : {}),
    })),
});

// `exports`: the outputs to export (a JSON list); by default all.
const exported = JSON.parse(config.get("exports") ?? "null");
const outputs = {
    accountAggregationSource: org.accountAggregationSource,
    accountAggregationSources: org.accountAggregationSources,
    arns: org.arns,
    regionsByAccount: org.regionsByAccount,
    unexpectedPendingRequests: org.unexpectedPendingRequests,
};
for (const [k, v] of Object.entries(outputs)) if (!exported || exported.includes(k)) exports[k] = v;
