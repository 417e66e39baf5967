/** One message per cause (provider/core/causes.ts): the first failure of a cause told whole, later ones as one line. */
import * as assert from "node:assert/strict";
import { authorizationError } from "../../provider/core/aws/errors";
import { Causes, causeOf } from "../../provider/core/causes";

const ARN = (account: string, region: string) => `arn:aws:config:${region}:${account}:aggregation-authorization/111122223333/us-east-1`;
const denied = (account: string, region: string) =>
    authorizationError(
        "reading",
        ARN(account, region),
        `the role arn:aws:iam::${account}:role/config-authorizer could not be assumed (AccessDenied, region ${region}). Give the role a trust policy for the credentials in use.`,
        "AccessDenied",
    );

describe("one message per cause", () => {
    it("takes accounts, regions and ARNs out of a cause", () => {
        assert.equal(causeOf(denied("444455556666", "eu-west-1").message), causeOf(denied("777788889999", "ap-south-1").message));
        assert.notEqual(
            causeOf(denied("444455556666", "eu-west-1").message),
            causeOf(authorizationError("reading", ARN("444455556666", "eu-west-1"), "throttled", "ThrottlingException").message),
        );
    });

    it("tells a cause whole once, then points at it in one line, keeping a partial failure's ID and properties", () => {
        const causes = new Causes();
        const first = denied("444455556666", "eu-west-1");
        assert.equal(causes.error(first), first);
        const second = Object.assign(denied("777788889999", "ap-south-1"), { id: "x", properties: { a: 1 }, reasons: ["r"] });
        const told = causes.error(second) as typeof second;
        assert.equal(
            told.message,
            `reading Config aggregation authorization (${ARN("777788889999", "ap-south-1")}): the role <arn> could not be assumed (AccessDenied, region ap-south-1)`.replace(
                "<arn>",
                "arn:aws:iam::777788889999:role/config-authorizer",
            ) +
                `: the same cause as for reading Config aggregation authorization (${ARN("444455556666", "eu-west-1")}), whose message says it whole and what to do.`,
        );
        assert.equal(told.code, "AccessDenied");
        assert.deepEqual([told.id, told.properties, told.reasons], ["x", { a: 1 }, [told.message]]);
        causes.clear();
        assert.equal(causes.error(second), second, "a new run tells it whole again");
    });
});
