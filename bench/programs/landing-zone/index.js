// Landing-zone benchmark program: one AggregationAuthorization per entry of resources.json, a list of
// {name, authorizedAccountId, authorizedAwsRegion, region, tags, roleArn} that bench/landing-zone.ts
// writes next to this file, each created in the role's account. No outputs, as the floors.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { AggregationAuthorization } = require("pulumi-aws-config-aggregation");

const specs = JSON.parse(fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
for (const s of specs) {
    new AggregationAuthorization(s.name, {
        authorizedAccountId: s.authorizedAccountId,
        authorizedAwsRegion: s.authorizedAwsRegion,
        region: s.region,
        tags: s.tags,
        assumeRole: { roleArn: s.roleArn },
    });
}
