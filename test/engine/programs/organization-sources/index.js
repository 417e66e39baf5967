// Engine-test program: one AggregationAuthorizations component named `org` for the aggregator in the
// `aggregatorAccountId`/`aggregatorRegion` config, over organizationSources: the active accounts of the
// organization the stack's credentials manage (or of the `organizationalUnitIds` config), less the
// `excludeAccountIds` config, each through its role config-authorizer, in the `regions` config.
// Exports the component's outputs.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { AggregationAuthorizations, organizationSources } = require("pulumi-aws-config-aggregation");

module.exports = async () => {
    const config = new pulumi.Config();
    const org = new AggregationAuthorizations("org", {
        authorizedAccountId: config.require("aggregatorAccountId"),
        authorizedAwsRegion: config.require("aggregatorRegion"),
        tags: { team: "platform" },
        sources: await organizationSources({
            organizationalUnitIds: config.getObject("organizationalUnitIds"),
            excludeAccountIds: config.getObject("excludeAccountIds"),
            sourceRole: { roleName: "config-authorizer" },
            regions: config.requireObject("regions"),
        }),
    });
    return { accountAggregationSource: org.accountAggregationSource, arns: org.arns };
};
