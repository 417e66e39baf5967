import * as assert from "node:assert/strict";
import { provider } from "../../provider";
import { UNKNOWN, type Inputs, type Outputs } from "../../provider/core/model/types";

const arn = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";
const olds: Outputs = {
    authorizedAccountId: "111122223333",
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform" },
    arn,
    accountId: "123456789012",
    creationTime: "2026-11-25T10:00:00.000Z",
};
const same: Inputs = {
    authorizedAccountId: "111122223333",
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform" },
};
const diff = (news: Partial<Inputs> | Record<string, unknown>, o: Outputs = olds) => provider.diff!(arn, o, { ...same, ...news } as Inputs);

describe("diff", () => {
    it("reports no change when every input is as applied", async () => {
        assert.deepEqual(await diff({}), { changes: false, replaces: [] });
    });
    it("replaces when authorizedAccountId changes", async () => {
        assert.deepEqual(await diff({ authorizedAccountId: "444455556666" }), {
            changes: true,
            replaces: ["authorizedAccountId"],
        });
    });
    it("replaces when authorizedAwsRegion changes", async () => {
        assert.deepEqual(await diff({ authorizedAwsRegion: "eu-central-1" }), {
            changes: true,
            replaces: ["authorizedAwsRegion"],
        });
    });
    it("replaces when the effective source region changes", async () => {
        assert.deepEqual(await diff({ region: "ap-southeast-2" }), { changes: true, replaces: ["region"] });
    });
    it("names every replacing input that changed", async () => {
        assert.deepEqual(await diff({ authorizedAccountId: "444455556666", region: "ap-southeast-2" }), {
            changes: true,
            replaces: ["authorizedAccountId", "region"],
        });
    });
    it("updates in place when a tag value changes", async () => {
        assert.deepEqual(await diff({ tags: { team: "security" } }), { changes: true, replaces: [] });
    });
    it("updates in place when a tag is added or removed", async () => {
        assert.deepEqual(await diff({ tags: { team: "platform", env: "prod" } }), {
            changes: true,
            replaces: [],
        });
        assert.deepEqual(await diff({ tags: undefined }), { changes: true, replaces: [] });
    });
    it("treats absent tags and an empty map alike", async () => {
        assert.deepEqual(await diff({ tags: undefined }, { ...olds, tags: {} }), {
            changes: false,
            replaces: [],
        });
    });
    it("updates in place when adoptExisting changes", async () => {
        assert.deepEqual(await diff({ adoptExisting: true }), { changes: true, replaces: [] });
    });
    it("counts an unknown account ID as a replacing change (preview)", async () => {
        assert.deepEqual(await diff({ authorizedAccountId: UNKNOWN }), {
            changes: true,
            replaces: ["authorizedAccountId"],
        });
    });
    it("counts an unknown region as a replacing change (preview)", async () => {
        assert.deepEqual(await diff({ region: UNKNOWN }), { changes: true, replaces: ["region"] });
    });
    it("counts unknown tags, or one unknown tag value, as an update (preview)", async () => {
        assert.deepEqual(await diff({ tags: UNKNOWN }), { changes: true, replaces: [] });
        assert.deepEqual(await diff({ tags: { team: UNKNOWN } }), { changes: true, replaces: [] });
    });
    it("takes the old source region from the ARN when the state predates the region output", async () => {
        const { region: _r, ...withoutRegion } = olds;
        assert.deepEqual(await diff({}, withoutRegion as Outputs), { changes: false, replaces: [] });
        assert.deepEqual(await diff({ region: "us-west-2" }, withoutRegion as Outputs), {
            changes: true,
            replaces: ["region"],
        });
    });
});
