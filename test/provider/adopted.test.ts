/**
 * What removing an adopted authorization from the stack does (issue 17, item 14): the authorization
 * stays in AWS, the tags this resource set on it go, a tag changed outside Pulumi since and everyone
 * else's stay, and a notice (the one line the engine shows, Run.notice in provider/core/run.ts) says so. AWS state read back.
 */
import * as assert from "node:assert/strict";
import { provider } from "../../provider";
import { setNoticeSink } from "../harness/run";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, arnOf, inputsFor, roleIn, useAws } from "../harness/aws";
import { faults } from "../harness/proxy";

const ARN = arnOf("eu-west-1");
const CONTROL_TOWER = { "aws:cloudformation:stack-name": "StackSet-AWSControlTower", "aws-control-tower": "managed-by-control-tower" };

describe("destroy of an adopted authorization", function () {
    this.timeout(30000);
    const aws = useAws();
    let notices: string[] = [];
    let restore: ((line: string) => void) | undefined;
    beforeEach(() => {
        notices = [];
        // Chained to the sink before it (the leak recorder's, which prints them), so they are scanned for secrets too.
        const previous = setNoticeSink((line) => {
            notices.push(line);
            previous(line);
        });
        restore = previous;
    });
    afterEach(() => setNoticeSink(restore!));

    it("leaves it in AWS, removes the tags it set, keeps one changed since and everyone else's, and says so", async () => {
        const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", CONTROL_TOWER);
        const { id, outs } = await provider.create(inputsFor({ adoptExisting: true, tags: { team: "platform", env: "prod", cost: "42" } }));
        assert.equal(outs!.adopted, true);
        assert.deepEqual(await aws.tags("eu-west-1", id), { ...CONTROL_TOWER, team: "platform", env: "prod", cost: "42" });
        await aws.tagOutOfBand("eu-west-1", id, { env: "staging" });
        aws.proxy.clear();
        await provider.delete!(id, outs!);
        assert.deepEqual(await aws.list("eu-west-1"), [existing], "the authorization stays, the same creation");
        assert.deepEqual(await aws.tags("eu-west-1", id), { ...CONTROL_TOWER, env: "staging" });
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "UntagResource"]);
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.operation === "UntagResource").map((c) => c.body),
            [{ ResourceArn: ARN, TagKeys: ["cost", "team"] }],
        );
        assert.deepEqual(notices, [
            `pulumi-aws-config-aggregation: left the adopted authorization ${ARN} in AWS (this stack did not create it); ` +
                `removed the tags this resource set on it: cost, team; kept env, changed outside Pulumi since this resource set them.`,
        ]);
    });

    it("keeps a declared tag the authorization held before it was adopted", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { ...CONTROL_TOWER, team: "platform" });
        const { id, outs } = await provider.create(inputsFor({ adoptExisting: true, tags: { team: "platform", env: "prod" } }));
        assert.deepEqual(outs!.foundTagKeys, ["aws-control-tower", "team"]);
        const read = await provider.read!(id, outs);
        assert.deepEqual(read.props!.foundTagKeys, ["aws-control-tower", "team"], "a refresh keeps the record");
        await provider.delete!(id, read.props!);
        assert.deepEqual(await aws.tags("eu-west-1", id), { ...CONTROL_TOWER, team: "platform" });
        assert.deepEqual(notices, [
            `pulumi-aws-config-aggregation: left the adopted authorization ${ARN} in AWS (this stack did not create it); ` +
                `removed the tags this resource set on it: env; kept team, held before this stack adopted it.`,
        ]);
    });

    it("records the tags it held before adoption also when the adoption fails half way, so a later destroy keeps them", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { team: "platform" });
        aws.proxy.inject((c) => (c.operation === "TagResource" ? faults.accessDenied("config:TagResource") : undefined));
        let recorded: Record<string, unknown> | undefined;
        await provider
            .create(inputsFor({ adoptExisting: true, tags: { team: "platform", env: "prod" } }))
            .catch((e: { properties?: Record<string, unknown> }) => {
                recorded = e.properties;
            });
        aws.proxy.inject(undefined);
        assert.deepEqual(recorded?.foundTagKeys, ["team"], "the partial create's state has the record");
        assert.equal(recorded?.adopted, true);
    });

    it("never removes AWS Control Tower's tag, even when the program declared it", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", CONTROL_TOWER);
        const { id, outs } = await provider.create(
            inputsFor({ adoptExisting: true, tags: { "aws-control-tower": "managed-by-control-tower", team: "platform" } }),
        );
        await provider.delete!(id, outs!);
        assert.deepEqual(await aws.tags("eu-west-1", id), CONTROL_TOWER);
        assert.deepEqual(notices, [
            `pulumi-aws-config-aggregation: left the adopted authorization ${ARN} in AWS (this stack did not create it); ` +
                `removed the tags this resource set on it: team; kept aws-control-tower, AWS Control Tower's own tag.`,
        ]);
    });

    it("changes nothing when it holds no tag the resource set, and says so", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { Name: "x" });
        const { id, outs } = await provider.create(inputsFor({ adoptExisting: true, tags: undefined }));
        aws.proxy.clear();
        await provider.delete!(id, outs!);
        assert.deepEqual(await aws.tags("eu-west-1", id), { Name: "x" });
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"]);
        assert.deepEqual(notices, [
            `pulumi-aws-config-aggregation: left the adopted authorization ${ARN} in AWS (this stack did not create it); it holds no tag this resource set.`,
        ]);
    });

    it("succeeds, saying so, when the authorization is gone already", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
        const { id, outs } = await provider.create(inputsFor({ adoptExisting: true }));
        await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
        await provider.delete!(id, outs!);
        assert.deepEqual(notices, [
            `pulumi-aws-config-aggregation: left the adopted authorization ${ARN} in AWS (this stack did not create it); it is gone from AWS already.`,
        ]);
    });

    it("refuses with another account's credentials, changing nothing", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
        const { id, outs } = await provider.create(inputsFor({ adoptExisting: true }));
        aws.proxy.clear();
        await assert.rejects(provider.delete!(id, { ...outs!, assumeRole: { roleArn: roleIn(OTHER_ACCOUNT) } }), {
            message:
                `deleting Config aggregation authorization (${ARN}): the credentials in use (role ${roleIn(OTHER_ACCOUNT)} assumed from ` +
                `the AWS_ACCESS_KEY_ID environment variable) belong to account ${OTHER_ACCOUNT}, but this authorization lives in account 123456789012. ` +
                `Pulumi changed nothing: an authorization for the same aggregator in account ${OTHER_ACCOUNT} is a different one. ` +
                `Give this resource's assumeRole a role in account 123456789012.`,
        });
        assert.deepEqual(aws.proxy.operations(), []);
        assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform" });
        assert.deepEqual(notices, []);
    });
});
