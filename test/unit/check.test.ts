import * as assert from "node:assert/strict";
import * as net from "node:net";
import { configureSettings } from "../../provider/client";
import { provider } from "../../provider/provider";
import { UNKNOWN } from "../../provider/types";

const news = { authorizedAccountId: "111122223333", authorizedAwsRegion: "us-east-1", region: "eu-west-1", tags: { team: "a" } };
const ARN = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";

describe("check: the identity an update previews with", () => {
    let server: net.Server;
    let connections = 0;
    const saved = { ...process.env };

    before(async () => {
        // Any AWS call lands here and fails: the tests count them.
        server = net.createServer((s) => {
            connections++;
            s.destroy();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        Object.assign(process.env, { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_MAX_ATTEMPTS: "1" });
    });
    beforeEach(() => {
        connections = 0;
        configureSettings({});
    });
    after(async () => {
        process.env = saved;
        configureSettings({});
        await new Promise((r) => server.close(r));
    });

    it("keeps the ARN and source account of the previous inputs while the keys stay, with no AWS call", async () => {
        const result = await provider.check!({ ...news, arn: ARN, accountId: "123456789012" } as never, { ...news, tags: { team: "b" } });
        assert.deepEqual(result.inputs, { ...news, tags: { team: "b" }, arn: ARN, accountId: "123456789012" });
        assert.equal(connections, 0);
    });

    it("asks nothing and adds nothing when a key is not known yet", async () => {
        const result = await provider.check!({ ...news, arn: ARN } as never, { ...news, authorizedAccountId: UNKNOWN });
        assert.deepEqual(result.inputs, { ...news, authorizedAccountId: UNKNOWN });
        assert.equal(connections, 0);
    });

    it("does not keep the ARN when a key changes (a replacement), and goes on without it when the account cannot be learned", async () => {
        const result = await provider.check!({ ...news, arn: ARN } as never, { ...news, region: "us-west-2" });
        assert.deepEqual(result.inputs, { ...news, region: "us-west-2" });
        assert.equal(connections, 1, "one sts:GetCallerIdentity, which failed");
    });
});
