import * as assert from "node:assert/strict";
import type { AwsCredentialIdentity } from "@smithy/types";
import { refreshing } from "../../provider/core/aws/client";

describe("role credentials", () => {
    const MINUTE = 60 * 1000;
    let clock = 0;
    let calls = 0;
    let fail = false;
    const source = async (): Promise<AwsCredentialIdentity> => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error("AccessDenied");
        return { accessKeyId: `key-${calls}`, secretAccessKey: "s", expiration: new Date(clock + 60 * MINUTE) };
    };
    beforeEach(() => {
        clock = 0;
        calls = 0;
        fail = false;
    });

    it("assumes once for many concurrent callers, and keeps the credentials until 5 minutes before they expire", async () => {
        const p = refreshing(source, () => clock);
        const all = await Promise.all(Array.from({ length: 20 }, () => p()));
        assert.deepEqual(new Set(all.map((c) => c.accessKeyId)), new Set(["key-1"]));
        clock = 54 * MINUTE;
        assert.equal((await p()).accessKeyId, "key-1", "6 minutes left: kept");
        clock = 56 * MINUTE;
        assert.equal((await p()).accessKeyId, "key-2", "4 minutes left: refreshed");
        assert.equal(calls, 2);
    });

    it("does not keep a failure: the next call assumes again", async () => {
        const p = refreshing(source, () => clock);
        fail = true;
        await assert.rejects(p(), /AccessDenied/);
        fail = false;
        assert.equal((await p()).accessKeyId, "key-2");
    });
});
