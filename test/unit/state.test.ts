import * as assert from "node:assert/strict";
import { upgraded } from "../../provider/core/state";
import type { Outputs } from "../../provider/core/model/types";

const ARN = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";
const base = {
    authorizedAccountId: "111122223333",
    authorizedAwsRegion: "us-east-1",
    arn: ARN,
    accountId: "123456789012",
    creationTime: "",
};

describe("state upgrader", () => {
    it("fills what 0.1.0 left out: tagsAll from tags, adopted false, the region from the ARN", () => {
        const old = { ...base, tags: { team: "a" } } as unknown as Outputs;
        assert.deepEqual(upgraded(ARN, old), { ...base, tags: { team: "a" }, tagsAll: { team: "a" }, adopted: false, region: "eu-west-1" });
        assert.deepEqual(upgraded(ARN, { ...base, region: "eu-west-1" } as Outputs).tagsAll, {}, "no tags at all");
    });

    it("changes nothing a current version wrote", () => {
        const now: Outputs = {
            ...base,
            region: "eu-west-1",
            tags: { a: "1" },
            tagsAll: { a: "1", d: "2" },
            adopted: true,
            creationId: "0123456789abcdef",
        };
        assert.deepEqual(upgraded(ARN, now), now);
    });
});
