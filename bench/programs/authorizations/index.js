// Benchmark program: one AggregationAuthorization per entry of resources.json, a list of
// {name, authorizedAccountId, authorizedAwsRegion, region, tags} that bench/main.ts writes next to
// this file before each command. No outputs, so that the engine floor (../floor) does the same work.
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
    });
}
