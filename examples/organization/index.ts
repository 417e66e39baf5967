// One program for a whole organization: authorizes one aggregator account+region from every source
// account × source region, assuming a role in each account. The component declares one
// SourceAccountAuthorizations per account (`org-<account>`) holding that account's authorizations in
// every listed region: adding a region to sourceRegions is an in-place update of each account's
// resource that creates exactly that authorization. The aggregator stack reads the outputs.
import * as pulumi from "@pulumi/pulumi";
import { AggregationAuthorizations } from "pulumi-aws-config-aggregation";

const config = new pulumi.Config();
const sourceAccounts = config.requireObject<string[]>("sourceAccounts");
const sourceRegions = config.requireObject<string[]>("sourceRegions");
const roleName = config.get("roleName") ?? "config-authorizer";
const externalId = config.getSecret("externalId");

const org = new AggregationAuthorizations("org", {
    authorizedAccountId: config.require("aggregatorAccountId"),
    authorizedAwsRegion: config.require("aggregatorRegion"),
    tags: { "managed-by": "pulumi", purpose: "config-aggregation" },
    sources: sourceAccounts.map((accountId) => ({
        accountId,
        regions: sourceRegions,
        assumeRole: { roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, ...(externalId ? { externalId } : {}) },
    })),
});

/** Each account's regions, comma-separated: one line per account in a preview (the aggregator stack reads it). */
export const regionsByAccount = org.regionsByAccount;
/** The ARN of every authorization, by account and region. */
export const arns = org.arns;
