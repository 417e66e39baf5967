// Organization benchmark program: one SourceAccountAuthorizations per source account, holding one
// authorization per source region, each account reached through a role in it (moto's STS AssumeRole
// acts in the role's account). bench/organization.ts sets the stack config (Pulumi.yaml) before each
// command: the accounts and regions, the extra region of the add-a-region `up`, the tag value of the
// tag-change `up`. No outputs, as the floors.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { SourceAccountAuthorizations } = require("pulumi-aws-config-aggregation");

const config = new pulumi.Config();
const extra = config.get("extraRegion");
const regions = [...config.requireObject("regions"), ...(extra ? [extra] : [])];
for (const account of config.requireObject("accounts")) {
    new SourceAccountAuthorizations(`account-${account}`, {
        authorizedAccountId: config.require("authorizedAccountId"),
        authorizedAwsRegion: config.require("authorizedAwsRegion"),
        regions,
        tags: { team: "platform", bench: config.require("tag") },
        assumeRole: { roleArn: `arn:aws:iam::${account}:role/config-authorizer` },
        sourceAccountId: account,
    });
}
