import * as assert from "node:assert/strict";
import { buildArn, buildKey, parseArn, parseId, parseKey, partitionOf } from "../../provider/core/model/id";

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

    const FORMATS =
        "expected the authorization's ARN, arn:<partition>:config:<source region>:<source account>:aggregation-authorization/<authorized account>/<authorized region>, " +
        "or <authorized account>:<authorized region>, e.g. 123456789012:us-east-1";

    it("rejects a malformed key, saying that the ARN is accepted too", () => {
        for (const bad of ["111122223333", "111122223333/us-east-1", "abc:us-east-1", "111122223333:", "1:2:3"]) {
            assert.throws(() => parseKey(bad), { message: `unexpected format for aggregation authorization ID "${bad}": ${FORMATS}` });
        }
    });

    it("parses an ID given by a user: the ARN or the key", () => {
        assert.deepEqual(parseId(arn), { arn, parts: parseArn(arn) });
        assert.deepEqual(parseId("111122223333:us-east-1"), {
            key: { authorizedAccountId: "111122223333", authorizedAwsRegion: "us-east-1" },
        });
        assert.throws(() => parseId("arn:aws:config:eu-west-1:123456789012:config-aggregator/x"), {
            message: `unexpected format for aggregation authorization ID "arn:aws:config:eu-west-1:123456789012:config-aggregator/x": ${FORMATS}`,
        });
        assert.throws(() => parseId("9".repeat(1000)), {
            message: `unexpected format for aggregation authorization ID "${"9".repeat(256)}…": ${FORMATS}`,
        });
    });
});
