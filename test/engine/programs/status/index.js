// Engine-test program: the aggregator side as docs/is-aggregation-working.md writes it. Reads the
// source status of the aggregator in the `aggregatorName` config through the `roleArn` config (in
// the stack's aws:region) in an apply of the `expected` config (JSON list of {accountId, region});
// with `waitSeconds`, an `up` waits that long for them (every 0.2 s); `onError` is passed on.
// Exports the result as `status`.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { aggregatorSourcesStatus } = require("pulumi-aws-config-aggregation");

const config = new pulumi.Config();
const waitSeconds = config.getNumber("waitSeconds");

exports.status = pulumi.output(JSON.parse(config.require("expected"))).apply((expected) =>
    aggregatorSourcesStatus({
        aggregatorName: config.require("aggregatorName"),
        assumeRole: { roleArn: config.require("roleArn") },
        waitFor:
            pulumi.runtime.isDryRun() || waitSeconds === undefined
                ? undefined
                : { sources: expected, timeoutSeconds: waitSeconds, intervalSeconds: 0.2 },
        onError: config.get("onError"),
    }),
);
