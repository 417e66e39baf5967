// Engine-test program: what the AggregationAuthorizations component `org` declared before it grouped each
// account's regions (git: ac238fe^:sdk/authorizations.ts), for the aggregator in the
// `aggregatorAccountId`/`aggregatorRegion` config over the `sources` config (JSON list of {accountId, regions,
// roleArn?}): a component of the same type token and name, and under it one AggregationAuthorization per
// source account and region, named `org-<account>-<region>`, tagged team=platform. Same project as the
// organization program (engine-org), so that the stack can be upgraded to it by swapping index.js.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { AggregationAuthorization } = require("pulumi-aws-config-aggregation");

const config = new pulumi.Config();
const sources = JSON.parse(config.require("sources"));

const org = new pulumi.ComponentResource("pulumi-aws-config-aggregation:index:AggregationAuthorizations", "org", {});
const arns = {};
for (const s of sources) {
    arns[s.accountId] = {};
    for (const region of s.regions) {
        const a = new AggregationAuthorization(
            `org-${s.accountId}-${region}`,
            {
                authorizedAccountId: config.require("aggregatorAccountId"),
                authorizedAwsRegion: config.require("aggregatorRegion"),
                region,
                tags: { team: "platform" },
                assumeRole: s.roleArn ? { roleArn: s.roleArn } : undefined,
                sourceAccountId: s.accountId,
            },
            { parent: org },
        );
        arns[s.accountId][region] = a.arn;
    }
}
org.registerOutputs({ arns });
exports.arns = arns;
