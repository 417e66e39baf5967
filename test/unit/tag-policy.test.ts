/**
 * The tag policy (provider/core/tag-policy.ts) as pure functions: for each mode, with and without default
 * and ignored tags, what a resource desires, manages, holds and shows, AWS's `aws:` keys and the owner
 * tag included; and the requests between two views.
 */
import * as assert from "node:assert/strict";
import { EMPTY_SETTINGS, parseSettings } from "../../provider/core/aws/settings";
import { diffTags, foundKeys, isAwsReserved, tagPolicy, tagRequests, tagsEqual, type TagSettings } from "../../provider/core/tag-policy";
import { fromTagList, pickTags } from "../../provider/core/model/tags";
import { OWNER_TAG } from "../../provider/core/model/types";

const arn = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";
const OWNER = `acme/lz/prod/a sha256:${"0123456789abcdef".repeat(2)}`;
const ID = "fedcba9876543210";
/** The owner tag of creation ID of OWNER (ownership.ts's ownerTagValue). */
const TAG = `${OWNER} creation:${ID}`;
const SETTINGS: TagSettings = Object.freeze({
    defaultTags: Object.freeze({ env: "prod", team: "x" }),
    ignoreTags: Object.freeze({ keys: ["skip"], keyPrefixes: ["tmp:"] }),
}) as TagSettings;
const policy = tagPolicy(SETTINGS);
/** The tags someone set on the authorization: Control Tower's, a declared, a default, two ignored and a found one. */
const SET = Object.freeze({ "aws-control-tower": "managed", team: "platform", env: "prod", skip: "1", "tmp:x": "2", found: "f" });
/** What AWS holds: AWS's own key, this resource's owner tag, and those. */
const AWS = Object.freeze({ "aws:cloudformation:stack-name": "cfn", [OWNER_TAG]: TAG, ...SET });
const DECLARED = Object.freeze({ team: "platform" });
const keysOf = (keep: (key: string) => boolean) => Object.keys(AWS).filter(keep).sort();

describe("tag policy", () => {
    it("desires the default tags under the resource's (the resource wins), ignored keys left out", () => {
        assert.deepEqual(policy.desired({ team: "platform", extra: "e", skip: "s", "tmp:y": "3" }), {
            env: "prod",
            team: "platform",
            extra: "e",
        });
        assert.deepEqual(policy.desired(undefined), { env: "prod", team: "x" });
        assert.deepEqual(policy.desired({ env: "" }), { env: "", team: "x" }, "an empty value is a value");
        assert.deepEqual(tagPolicy(EMPTY_SETTINGS).desired(undefined), {});
        assert.deepEqual(tagPolicy(EMPTY_SETTINGS).desired({ skip: "s" }), { skip: "s" });
    });

    it("ignores the keys of aws:ignoreTags.keys exactly and those starting with one of its keyPrefixes", () => {
        assert.deepEqual(
            ["skip", "skipped", "Skip", "tmp:x", "tmp:", "xtmp:", "env"].map((k) => policy.isIgnored(k)),
            [true, false, false, true, true, false, false],
        );
        assert.equal(tagPolicy(EMPTY_SETTINGS).isIgnored("skip"), false);
    });

    it("manages, for its own authorization, every key but aws: and ignored ones, the owner tag included", () => {
        assert.deepEqual(keysOf(policy.managed("own")), ["aws-control-tower", "env", "found", OWNER_TAG, "team"]);
        assert.deepEqual(
            keysOf(policy.managed("own", DECLARED)),
            ["aws-control-tower", "env", "found", OWNER_TAG, "team"],
            "declared keys do not matter",
        );
        assert.equal(policy.managed("own")("AWS:Other"), false, "aws: in any case");
    });

    it("manages, for one it took over, the declared keys and the owner tag", () => {
        assert.deepEqual(keysOf(policy.managed("taken", DECLARED)), [OWNER_TAG, "team"]);
        assert.deepEqual(
            keysOf(policy.managed("taken", DECLARED, { env: "dev" }, undefined)),
            ["env", OWNER_TAG, "team"],
            "the keys of every map",
        );
        assert.deepEqual(keysOf(policy.managed("taken")), [OWNER_TAG]);
        assert.deepEqual(
            keysOf(policy.managed("taken", { skip: "s", "aws:cloudformation:stack-name": "c" })),
            [OWNER_TAG],
            "never aws: or ignored keys",
        );
    });

    it("manages, for one it adopted, the declared keys only, never the owner tag", () => {
        assert.deepEqual(keysOf(policy.managed("adopted", DECLARED)), ["team"]);
        assert.deepEqual(keysOf(policy.managed("adopted", DECLARED, { found: "other value" })), ["found", "team"]);
        assert.deepEqual(
            keysOf(policy.managed("adopted", { [OWNER_TAG]: "x", "aws:cloudformation:stack-name": "c", skip: "s", "tmp:x": "t" })),
            [],
            "never the owner tag, aws: or ignored keys, even declared",
        );
    });

    it("holds, as state's tagsAll records it, the managed tags with AWS's values, without the owner tag", () => {
        assert.deepEqual(policy.held(AWS, "own"), { "aws-control-tower": "managed", team: "platform", env: "prod", found: "f" });
        assert.deepEqual(policy.held(AWS, "taken", DECLARED), { team: "platform" });
        assert.deepEqual(policy.held(AWS, "adopted", DECLARED), { team: "platform" });
        assert.deepEqual(
            policy.held(AWS, "adopted", { env: "dev", missing: "m" }),
            { env: "prod" },
            "AWS's value; a key AWS lacks is not held",
        );
        assert.deepEqual(tagPolicy(EMPTY_SETTINGS).held(AWS, "own"), SET);
    });

    it("holds in AWS the recorded tags plus the owner tag of the creation, for its own and taken ones only", () => {
        const all = { team: "platform" };
        assert.deepEqual(policy.inAws(all, { mode: "own", owner: OWNER, creationId: ID }), { team: "platform", [OWNER_TAG]: TAG });
        assert.deepEqual(policy.inAws(all, { mode: "taken", owner: OWNER, creationId: ID }), { team: "platform", [OWNER_TAG]: TAG });
        assert.deepEqual(policy.inAws(all, { mode: "adopted", owner: OWNER, creationId: ID }), { team: "platform" });
        assert.deepEqual(
            policy.inAws(all, { mode: "own", owner: OWNER }),
            { team: "platform", [OWNER_TAG]: OWNER },
            "state before creation IDs",
        );
        assert.deepEqual(
            policy.inAws(all, { mode: "own" }),
            { team: "platform" },
            "no owner recorded: AWS holds no owner tag of this resource",
        );
        assert.notEqual(policy.inAws(all, { mode: "adopted" }), all, "a copy");
        // What AWS holds and the resource manages, recorded and read back, is what it was.
        const holder = { mode: "own", owner: OWNER, creationId: ID } as const;
        assert.deepEqual(policy.inAws(policy.held(AWS, "own"), holder), pickTags(AWS, policy.managed("own")));
        const taken = { ...holder, mode: "taken" } as const;
        assert.deepEqual(policy.inAws(policy.held(AWS, "taken", DECLARED), taken), pickTags(AWS, policy.managed("taken", DECLARED)));
    });

    it("shows tagsAll without ignored keys, aws: keys or the owner tag, and tags as the resource's own part", () => {
        assert.deepEqual(policy.shown(AWS, DECLARED), {
            tags: { "aws-control-tower": "managed", team: "platform", found: "f" },
            tagsAll: { "aws-control-tower": "managed", team: "platform", env: "prod", found: "f" },
        });
        // tags: the declared keys, and keys whose value is not the default tag's; a default tag held as it is is not the resource's.
        assert.deepEqual(policy.shown({ env: "prod", team: "platform" }, { team: "platform" }), {
            tags: { team: "platform" },
            tagsAll: { env: "prod", team: "platform" },
        });
        assert.deepEqual(policy.shown({ env: "dev", team: "x" }, undefined), { tags: { env: "dev" }, tagsAll: { env: "dev", team: "x" } });
        assert.deepEqual(
            policy.shown({ env: "prod" }, { env: "prod" }),
            { tags: { env: "prod" }, tagsAll: { env: "prod" } },
            "declared equal to the default",
        );
        assert.deepEqual(tagPolicy(EMPTY_SETTINGS).shown({ a: "1", [OWNER_TAG]: TAG }, undefined), {
            tags: { a: "1" },
            tagsAll: { a: "1" },
        });
    });

    it("shows, once AWS holds what a resource desires, its declared tags as tags and the merged ones as tagsAll", () => {
        const tags = { team: "platform", extra: "e", skip: "s" };
        assert.deepEqual(policy.shown(policy.desired(tags), tags), {
            tags: { team: "platform", extra: "e" },
            tagsAll: { env: "prod", team: "platform", extra: "e" },
        });
        assert.deepEqual(policy.shown(policy.desired(undefined), undefined), { tags: {}, tagsAll: { env: "prod", team: "x" } });
    });

    it("finds, on an authorization it adopts, every key but aws: ones and the owner tag, ignored ones included", () => {
        assert.deepEqual(foundKeys(AWS), ["aws-control-tower", "env", "found", "skip", "team", "tmp:x"]);
        assert.deepEqual(foundKeys({}), []);
    });

    it("treats keys named like Object.prototype members as any other key", () => {
        const weird = fromTagList([
            { Key: "__proto__", Value: "p" },
            { Key: "constructor", Value: "c" },
        ]);
        assert.deepEqual(Object.entries(policy.desired(weird)).sort(), [
            ["__proto__", "p"],
            ["constructor", "c"],
            ["env", "prod"],
            ["team", "x"],
        ]);
        assert.deepEqual(Object.keys(policy.shown(weird, undefined).tags).sort(), ["__proto__", "constructor"]);
        assert.deepEqual(keysOf(policy.managed("adopted", weird)), [], "declared keys AWS does not hold");
        assert.equal(policy.managed("adopted", weird)("constructor"), true);
        assert.equal(policy.managed("adopted", {})("constructor"), false, "not declared, although every object has it");
    });

    it("never shows AWS's aws: tags or the owner tag as the user's", () => {
        const aws = { "aws:cloudformation:stack-name": "s", [OWNER_TAG]: "o", "aws-control-tower": "managed", a: "1" };
        assert.deepEqual(tagPolicy(EMPTY_SETTINGS).shown(aws, undefined).tagsAll, { "aws-control-tower": "managed", a: "1" });
    });

    it("reads aws:defaultTags and aws:ignoreTags as parseSettings gives them", () => {
        const config: Record<string, string> = {
            "aws:defaultTags": JSON.stringify({ tags: { env: "prod", team: "x", "skip:me": "1" } }),
            "aws:ignoreTags": JSON.stringify({ keyPrefixes: ["skip:"] }),
        };
        const p = tagPolicy(parseSettings((key) => config[key]));
        assert.deepEqual(p.desired({ team: "platform", "skip:too": "2" }), { env: "prod", team: "platform" });
        assert.equal(p.isIgnored("skip:anything"), true);
        assert.equal(p.isIgnored("env"), false);
        // tags = the resource's part of tagsAll: its own keys, and defaults it overrides.
        assert.deepEqual(p.shown({ env: "prod", team: "platform" }, { team: "platform" }).tags, { team: "platform" });
        assert.deepEqual(p.shown({ env: "dev", team: "platform" }, undefined).tags, { env: "dev", team: "platform" });
    });

    it("reserves aws: keys in any case to AWS", () => {
        assert.ok(isAwsReserved("aws:cloudformation:stack-name") && isAwsReserved("AWS:x") && !isAwsReserved("awsx"));
    });
});

describe("tag requests", () => {
    it("finds tags to set (new and changed) and keys to remove", () => {
        assert.deepEqual(diffTags({ keep: "1", change: "old", drop: "x" }, { keep: "1", change: "new", add: "y" }), {
            toSet: [
                { Key: "add", Value: "y" },
                { Key: "change", Value: "new" },
            ],
            toRemove: ["drop"],
        });
    });

    it("sends UntagResource with only the removed keys and TagResource with only the difference", () => {
        assert.deepEqual(tagRequests(arn, { keep: "1", change: "old", drop: "x", gone: "z" }, { keep: "1", change: "new", add: "y" }), {
            untag: { ResourceArn: arn, TagKeys: ["drop", "gone"] },
            tag: {
                ResourceArn: arn,
                Tags: [
                    { Key: "add", Value: "y" },
                    { Key: "change", Value: "new" },
                ],
            },
        });
    });

    it("sends only TagResource when nothing is removed, only UntagResource when nothing is set", () => {
        assert.deepEqual(tagRequests(arn, undefined, { a: "1" }), { tag: { ResourceArn: arn, Tags: [{ Key: "a", Value: "1" }] } });
        assert.deepEqual(tagRequests(arn, { a: "1" }, {}), { untag: { ResourceArn: arn, TagKeys: ["a"] } });
    });

    it("sends nothing when the tags are equal", () => {
        assert.deepEqual(tagRequests(arn, { a: "1" }, { a: "1" }), {});
        assert.ok(tagsEqual(undefined, {}));
        assert.ok(!tagsEqual({ a: "1" }, { a: "2" }));
    });

    it("treats a value changed to the empty string as a change", () => {
        assert.deepEqual(tagRequests(arn, { a: "1" }, { a: "" }), { tag: { ResourceArn: arn, Tags: [{ Key: "a", Value: "" }] } });
    });

    it("removes and compares keys named like Object.prototype members as any other key", () => {
        const keys = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
        const olds = fromTagList(keys.map((Key) => ({ Key, Value: "v" })));
        assert.deepEqual(Object.keys(olds).sort(), [...keys].sort(), "every key is an own key of the map");
        assert.deepEqual(tagRequests(arn, olds, {}), { untag: { ResourceArn: arn, TagKeys: [...keys].sort() } });
        assert.deepEqual(
            diffTags({}, olds).toSet.map((t) => t.Key),
            [...keys].sort(),
        );
        assert.ok(!tagsEqual({}, { constructor: "v" }));
        assert.ok(!tagsEqual({ toString: "v" }, {}));
    });
});
