// A source account authorizes one aggregator account+region from every listed source region.
import * as pulumi from "@pulumi/pulumi";
import { AggregationAuthorization } from "pulumi-aws-config-aggregation";

const config = new pulumi.Config();
const aggregatorAccountId = config.require("aggregatorAccountId");
const aggregatorRegion = config.require("aggregatorRegion");
const sourceRegions = config.requireObject<string[]>("sourceRegions");
const adoptExisting = config.getBoolean("adoptExisting") ?? false;

const authorizations = sourceRegions.map(
    (region) =>
        new AggregationAuthorization(`authorize-${region}`, {
            authorizedAccountId: aggregatorAccountId,
            authorizedAwsRegion: aggregatorRegion,
            region,
            adoptExisting,
            tags: { "managed-by": "pulumi", purpose: "config-aggregation" },
        }),
);

/** The ARN of each authorization, by source region. */
export const arns = pulumi.all(authorizations.map((a) => pulumi.all([a.region, a.arn]))).apply((pairs) => Object.fromEntries(pairs));
/** The source account (every authorization lives in it). */
export const sourceAccountId = authorizations[0].accountId;
export const regions = sourceRegions;
export const authorizedAccountId = aggregatorAccountId;
export const authorizedAwsRegion = aggregatorRegion;
/** When each authorization was created, by source region. */
export const creationTimes = pulumi
    .all(authorizations.map((a) => pulumi.all([a.region, a.creationTime])))
    .apply((pairs) => Object.fromEntries(pairs));
