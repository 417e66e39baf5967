import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { INPUTS_KEY, inputsDigest, showingInputChanges } from "../../provider/core/input-changes";

type Props = Record<string, unknown>;

/** A provider whose results are given: what the decorator adds is all that differs. */
function fake(over: Partial<pulumi.dynamic.ResourceProvider<Props, Props>> = {}) {
    return showingInputChanges<Props, Props>({
        diff: async () => ({ changes: true }),
        create: async (inputs) => ({ id: "id", outs: { ...inputs, arn: "a" } }),
        update: async (_id, _olds, news) => ({ outs: { ...news, arn: "a" } }),
        read: async (id, props) => ({ id, props: { ...props }, inputs: { tags: { team: "x" } } }),
        ...over,
    });
}

describe("previews that show only what changes (input-changes)", () => {
    const inputs = { tags: { team: "a" }, regions: ["eu-west-1"], __provider: "p" };

    it("the digest ignores __ keys, key order and undefined values", () => {
        assert.equal(inputsDigest(inputs), inputsDigest({ regions: ["eu-west-1"], tags: { team: "a" }, other: undefined }));
        assert.notEqual(inputsDigest(inputs), inputsDigest({ ...inputs, tags: { team: "b" } }));
        assert.equal(inputsDigest({ ...inputs, tagsMayBeSecret: true }), undefined);
    });

    it("create, update and read record the digest of the inputs the engine stores", async () => {
        const p = fake();
        assert.equal((await p.create!(inputs)).outs![INPUTS_KEY], inputsDigest(inputs));
        assert.equal((await p.update!("id", {}, inputs)).outs![INPUTS_KEY], inputsDigest(inputs));
        const read = await p.read!("id", { [INPUTS_KEY]: "old" });
        assert.equal(read.props![INPUTS_KEY], inputsDigest({ tags: { team: "x" } }));
        const kept = await fake({ read: async (id, props) => ({ id, props: { ...props } }) }).read!("id", { [INPUTS_KEY]: "old" });
        assert.equal(kept.props![INPUTS_KEY], "old", "without inputs from the read the engine keeps the old ones");
    });

    it("a partial create records the digest in the properties the engine stores", async () => {
        const err = Object.assign(new Error("some regions failed"), { id: "id", properties: { arns: {} }, reasons: [] });
        const p = fake({ create: async () => Promise.reject(err) });
        await assert.rejects(p.create!(inputs), (e: { properties: Props }) => e.properties[INPUTS_KEY] === inputsDigest(inputs));
    });

    it("an in-place change the inputs show is left to the engine's input diff", async () => {
        const d = await fake().diff!("id", { [INPUTS_KEY]: inputsDigest(inputs) }, { ...inputs, tags: { team: "b" } });
        assert.deepEqual(d, { changes: undefined });
    });

    it("keeps changes: true where the engine's input diff would see none, or would not show the replacement", async () => {
        const same = { [INPUTS_KEY]: inputsDigest(inputs) };
        assert.equal((await fake().diff!("id", same, inputs)).changes, true, "equal inputs: an update the outputs ask for");
        assert.equal((await fake().diff!("id", {}, { ...inputs, tags: {} })).changes, true, "state written before the digest");
        const replacing = fake({ diff: async () => ({ changes: true, replaces: ["authorizedAwsRegion"] }) });
        assert.equal((await replacing.diff!("id", same, { ...inputs, tags: {} })).changes, true);
        const secret = { ...inputs, tagsMayBeSecret: true, tags: { team: "b" } };
        assert.equal((await fake().diff!("id", same, secret)).changes, true);
        const none = fake({ diff: async () => ({ changes: false }) });
        assert.equal((await none.diff!("id", same, { ...inputs, tags: {} })).changes, false);
    });
});
