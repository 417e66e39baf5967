// Engine-test program: one SourceAccountAuthorizations per entry of the `accounts` config (JSON list of
// {name, authorizedAccountId, authorizedAwsRegion, regions, tags?, roleArn?, sourceAccountId?, adoptExisting?,
// takeOwnership?, takeOwnershipFromControlTower?, secretTag?}); `secretTag` names a tag whose value is the secret config
// `secretTagValue`. Exports every resource's outputs.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { SourceAccountAuthorizations } = require("pulumi-aws-config-aggregation");

const config = new pulumi.Config();
const accounts = JSON.parse(config.get("accounts") || "[]");

exports.accounts = Object.fromEntries(
    accounts.map((spec) => {
        const r = new SourceAccountAuthorizations(spec.name, {
            authorizedAccountId: spec.authorizedAccountId,
            authorizedAwsRegion: spec.authorizedAwsRegion,
            regions: spec.regions,
            tags: spec.secretTag ? { ...spec.tags, [spec.secretTag]: config.requireSecret("secretTagValue") } : spec.tags,
            assumeRole: spec.roleArn ? { roleArn: spec.roleArn } : undefined,
            sourceAccountId: spec.sourceAccountId,
            adoptExisting: spec.adoptExisting,
            takeOwnership: spec.takeOwnership,
            takeOwnershipFromControlTower: spec.takeOwnershipFromControlTower,
        });
        return [
            spec.name,
            { accountId: r.accountId, regions: r.regions, arns: r.arns, creationTimes: r.creationTimes, tagsAll: r.tagsAll },
        ];
    }),
);
