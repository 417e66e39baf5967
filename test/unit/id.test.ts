import * as assert from "node:assert/strict";
import { buildArn, buildKey, parseArn, parseKey, partitionOf } from "../../provider/id";

describe("ARN and key", () => {
    const arn = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";

    it("parses an authorization ARN into its parts", () => {
        assert.deepEqual(parseArn(arn), {
            partition: "aws",
            region: "eu-west-1",
            accountId: "123456789012",
            authorizedAccountId: "111122223333",
            authorizedAwsRegion: "us-east-1",
        });
    });

    it("builds the ARN AWS gives, with the partition of the region", () => {
        const parts = {
            region: "eu-west-1",
            accountId: "123456789012",
            authorizedAccountId: "111122223333",
            authorizedAwsRegion: "us-east-1",
        };
        assert.equal(buildArn(parts), arn);
        assert.equal(
            buildArn({ ...parts, region: "cn-north-1" }),
            "arn:aws-cn:config:cn-north-1:123456789012:aggregation-authorization/111122223333/us-east-1",
        );
        assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
        assert.deepEqual(parseArn(buildArn({ ...parts, region: "us-gov-east-1" })).partition, "aws-us-gov");
    });

    it("rejects an ARN of another resource with the expected format", () => {
        assert.throws(() => parseArn("arn:aws:config:eu-west-1:123456789012:config-aggregator/config-aggregator-abc"), {
            message:
                'unexpected format for aggregation authorization ARN "arn:aws:config:eu-west-1:123456789012:config-aggregator/config-aggregator-abc", expected arn:<partition>:config:<source region>:<source account>:aggregation-authorization/<authorized account>/<authorized region>',
        });
    });

    it("builds and parses the account:region key", () => {
        assert.equal(buildKey("111122223333", "us-east-1"), "111122223333:us-east-1");
        assert.deepEqual(parseKey("111122223333:us-east-1"), { authorizedAccountId: "111122223333", authorizedAwsRegion: "us-east-1" });
    });

    it("rejects a malformed key with the expected format", () => {
        for (const bad of ["111122223333", "111122223333/us-east-1", "abc:us-east-1", "111122223333:", "1:2:3"]) {
            assert.throws(() => parseKey(bad), {
                message: `unexpected format for aggregation authorization key "${bad}", expected <authorized account>:<authorized region>, e.g. 123456789012:us-east-1`,
            });
        }
    });
});
