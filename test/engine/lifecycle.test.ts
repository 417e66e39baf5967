import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AGGREGATOR_ACCOUNT, CREDENTIALS_ENV, SOURCE_ACCOUNT, useAws, arnOf, created } from "../harness/aws";
import { faults } from "../harness/proxy";
import { PROVIDER_MODULE, TYPE } from "../../provider/core/model/dynamic";
import { Stack, WORK, engineOwner, isSecret, type PreviewStep } from "../harness/pulumi";
import { declare, useStacks, type Spec, specOf } from "../harness/engine";
import { FAKE_SECRETS } from "../harness/secrets";
import { StalledServer } from "../harness/stalled";
import { OWNER_TAG } from "../../provider/core/model/types";

/** `n` tags with distinct keys and values. */
const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `tag-value-${i}`]));

const OWNER = OWNER_TAG;
/** The owner tag of resource `name` in the engine tests' stacks. */
const owned = (name: string) => ({ [OWNER]: created(engineOwner(name)) });

/**
 * Asserts that the stack output at `keys` (or the output or map holding it) is stored as a Pulumi
 * secret: what `pulumi stack output` then shows as [secret].
 */
function assertSecretOutput(s: Stack, ...keys: string[]): void {
    let value: unknown = s.exportState().resources.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs;
    for (const key of keys) {
        if (isSecret(value)) break;
        value = (value as Record<string, unknown> | undefined)?.[key];
    }
    assert.ok(isSecret(value), `stack output ${keys.join(".")} is a secret: ${JSON.stringify(value)?.slice(0, 200)}`);
}

const spec = specOf;

/**
 * The steps of a preview other than `same`, as [op, resource name, reasons]: the engine's replace
 * reasons for a replace; for an update (dynamic providers report no detailed diff), the inputs whose
 * value differs between the old and the new state.
 */
function changes(steps: PreviewStep[]): [string, string, string[]][] {
    const changed = (s: PreviewStep) => {
        const o = s.old?.inputs ?? {};
        const n = s.new?.inputs ?? {};
        return [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]));
    };
    return steps
        .filter((s) => s.op !== "same")
        .map((s) => [s.op, s.urn.split("::").pop()!, [...(s.op === "replace" ? (s.keys ?? []) : changed(s))].sort()]);
}

describe("under the pulumi CLI", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);
    const program = stacks.authorizations;

    it("up creates the authorization; a second up changes nothing and calls no AWS API", async () => {
        const s = await program([spec()]);
        await s.up();
        const listed = await aws.list("eu-west-1");
        assert.deepEqual(
            listed.map((a) => a.AggregationAuthorizationArn),
            [arnOf("eu-west-1")],
        );
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { team: "platform", ...owned("a") });
        const outs = (await s.outputs()).authorizations as Record<string, Record<string, unknown>>;
        assert.deepEqual(outs.a, {
            arn: arnOf("eu-west-1"),
            accountId: SOURCE_ACCOUNT,
            region: "eu-west-1",
            creationTime: listed[0].CreationTime!.toISOString(),
            creationId: s.authorizations()[0].outputs!.creationId,
            tags: { team: "platform" },
            tagsAll: { team: "platform" },
        });
        assert.deepEqual(
            await aws.rawTags("eu-west-1", arnOf("eu-west-1")),
            { team: "platform", [OWNER]: `${engineOwner("a")} creation:${outs.a.creationId}` },
            "the tag names the creation the state records",
        );

        aws.proxy.clear();
        const again = await s.up();
        assert.match(again.stdout, /2 unchanged/);
        assert.deepEqual(aws.proxy.operations(), [], "no AWS call at all");
        assert.deepEqual(aws.proxy.operations("sts"), []);
    });

    it("previews a tag change as exactly one update, and each key change as one replace naming the input", async () => {
        const s = await program([spec()]);
        await s.up();
        aws.proxy.clear();

        await declare(s, [spec({ tags: { team: "security" } })]);
        assert.deepEqual(changes((await s.previewJson()).steps), [["update", "a", ["tags", "tagsAll"]]]);
        const human = await s.previewDiff();
        assert.match(human.stdout, /~ pulumi-nodejs:dynamic\/aws-config:AggregationAuthorization: \(update\)/);
        assert.match(human.stdout, /~ tags\s*: \{\s*~ team: "platform" => "security"/);

        const replacing: [keyof Spec, string][] = [
            ["authorizedAccountId", "444455556666"],
            ["authorizedAwsRegion", "eu-central-1"],
            ["region", "ap-southeast-2"],
        ];
        for (const [key, value] of replacing) {
            await declare(s, [spec({ [key]: value })]);
            const planned = changes((await s.previewJson()).steps);
            assert.deepEqual(planned, [["replace", "a", [key]]], `changing ${key}`);
            const text = (await s.previewDiff()).stdout;
            assert.match(text, /\+-\s*pulumi-nodejs:dynamic\/aws-config:AggregationAuthorization: \(replace\)/, text);
            assert.match(text, new RegExp(`~ ${key}\\s*: "[^"]+" => "${value}"`), text);
        }
        // The previews change nothing; each replacement's preview reads its new ARN once (does it exist already?).
        assert.deepEqual(aws.proxy.operations(), Array(aws.proxy.operations().length).fill("ListTagsForResource"), "previews only read");
        assert.equal(aws.proxy.operations().length, 6, "one read per replacement previewed");
    });

    it("applies a replace: creates the new authorization and deletes the old one", async () => {
        const s = await program([spec()]);
        await s.up();
        await declare(s, [spec({ region: "ap-southeast-2" })]);
        await s.up();
        assert.deepEqual(await aws.list("eu-west-1"), []);
        assert.deepEqual(
            (await aws.list("ap-southeast-2")).map((a) => a.AggregationAuthorizationArn),
            [arnOf("ap-southeast-2")],
        );
    });

    it("previews an authorization whose account ID is unknown until apply", async () => {
        const s = await program([spec()], { unknownAccount: "true" });
        const preview = await s.previewJson();
        const create = preview.steps.find((x) => x.new?.type === TYPE)!;
        assert.equal(create.op, "create");
        assert.equal(create.new!.inputs.authorizedAccountId, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        await s.up();
        assert.deepEqual(
            (await aws.list("eu-west-1")).map((a) => a.AuthorizedAccountId),
            [AGGREGATOR_ACCOUNT],
        );
    });

    it("fails the preview on bad input with the input's message, one short line each, and creates nothing", async () => {
        const s = await program([
            spec({ authorizedAccountId: "12345", authorizedAwsRegion: "us-esat-1", tags: { "aws:reserved": "x", ...manyTags(59) } }),
        ]);
        const r = await s.preview({ allowFail: true });
        assert.notEqual(r.code, 0);
        // Each diagnostic shows twice (progress, then the summary); the summary lines start with "error:".
        const problems = r.stdout.split("\n").filter((l) => l.trim().startsWith("error:") && l.includes("has a problem:"));
        const prefix = `error: ${TYPE} resource 'a' has a problem: `;
        assert.deepEqual(
            problems.map((l) => l.trim()),
            [
                `${prefix}authorizedAccountId must be 12 digits, got "12345"`,
                `${prefix}authorizedAwsRegion "us-esat-1" is not a known region of the aws partition. Did you mean us-east-1? ` +
                    "If it is a region newer than this provider's AWS SDK, set the stack config aws:skipRegionValidation to true " +
                    "(pulumi config set aws:skipRegionValidation true) to accept it.",
                `${prefix}tags: at most 49 tags (AWS allows 50; one marks which Pulumi resource created the authorization), got 60`,
                `${prefix}tags: key "aws:reserved" must not start with "aws:" (the prefix is reserved for AWS)`,
            ],
            "no property value is printed: not the tag map, not {<nil>}",
        );
        assert.ok(!r.stdout.includes("tag-value-"), "the tag map is not dumped");
        const up = await s.up({ allowFail: true });
        assert.notEqual(up.code, 0);
        assert.deepEqual(await aws.list("eu-west-1"), []);
        assert.deepEqual(aws.proxy.calls, [], "no AWS call");
    });

    it("never prints or stores a secret tag value: not in a check failure, the state, or the outputs", async () => {
        const secret = FAKE_SECRETS.tagValue;
        const s = await program([spec({ tags: {}, secretTag: "token" })]);
        const setSecret = (v: string) => s.setConfig({ secretTagValue: v }, { secret: true });
        await setSecret(secret.repeat(10));
        const failed = await s.preview({ allowFail: true });
        assert.notEqual(failed.code, 0);
        assert.match(
            failed.stdout,
            /tags: the value of key "token" is 300 characters long; values must be 0 to 256 \(the value is not shown\)/,
        );
        await setSecret(secret);
        const up = await s.up();
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { token: secret, ...owned("a") }, "AWS has the value");
        const { text } = s.exportState();
        const places = { preview: failed.stdout + failed.stderr, up: up.stdout + up.stderr, state: text };
        assertSecretOutput(s, "authorizations", "a", "tags", "token");
        for (const [place, out] of Object.entries(places)) {
            const at = out.indexOf(secret);
            assert.equal(at, -1, `secret tag value in plain text in the ${place}: …${out.slice(Math.max(0, at - 300), at + 50)}`);
        }
    });

    it("fails an up against an endpoint that never answers within the operation deadline, naming the call", async () => {
        const stalled = await StalledServer.start();
        try {
            const s = await program([spec()]);
            const env = { AWS_ENDPOINT_URL: stalled.url, PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: "3000" };
            const started = performance.now();
            const r = await s.up({ allowFail: true, env });
            const took = performance.now() - started;
            assert.notEqual(r.code, 0);
            assert.match(
                r.stdout,
                new RegExp(
                    `creating Config aggregation authorization \\(an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1\\): ` +
                        `AWS STS did not answer sts:GetCallerIdentity \\(region eu-west-1, endpoint ${stalled.url}\\) within the operation's deadline of 3 s, after 1 attempt`,
                ),
            );
            assert.ok(took < 30000, `up took ${Math.round(took)} ms`);
        } finally {
            await stalled.stop();
        }
    });

    it("ends an up stalled on AWS after the first Ctrl-C no later than the operation deadline, orphaning nothing", async () => {
        // Pulumi's Node dynamic-provider host answers the engine's Cancel RPC without telling the
        // provider (docs/configuration.md, "Ctrl-C"); the deadline is what bounds the wait after the first Ctrl-C.
        const stalled = await StalledServer.start();
        try {
            const s = await program([spec()]);
            const ctrlC = new AbortController(); // the Automation API's cancellation: SIGINT to the CLI, as a terminal's Ctrl-C
            const run = s.up({
                allowFail: true,
                signal: ctrlC.signal,
                env: { AWS_ENDPOINT_URL: stalled.url, PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: "5000" },
            });
            const until = performance.now() + 60000;
            while (stalled.connections === 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
            assert.ok(stalled.connections > 0, "the provider reached the stalled endpoint");
            const interrupted = performance.now();
            ctrlC.abort();
            const r = await run;
            const took = performance.now() - interrupted;
            assert.notEqual(r.code, 0);
            assert.match(r.stdout, /\^C received; cancelling/);
            // The stalled call is check's account lookup (for the ARN the preview shows). On the Ctrl-C the
            // engine sends the language host Cancel, and the host (Pulumi's official one, and the stand-in,
            // which does as it does) interrupts the program: SIGINT, a kill 5 s later. The engine's main loop
            // (pkg/resource/deploy/deployment_executor.go, Execute) is inside that check until the deadline;
            // then the cancellation, the program's exit and the check's own failure (its lookup abandoned at the
            // deadline, which fails the preview as the up would) are all ready, and Go's select takes any: the run
            // ends with `update canceled`, the program's exit, or that check failure, under either host.
            assert.match(
                r.stdout,
                /error: (update canceled|an unhandled error occurred: Program exited with non-zero exit code: -1|.*has a problem: creating Config aggregation authorization \([^)]*\): AWS STS did not answer sts:GetCallerIdentity .* within the operation's deadline of 5 s)/,
            );
            assert.doesNotMatch(r.stdout, /PutAggregationAuthorization/, "nothing was created");
            assert.ok(took < 8000, `up ended ${Math.round(took)} ms after the first Ctrl-C`);
            // Nothing orphaned: no authorization in AWS, none recorded or pending in the state, and no
            // process left holding a connection to the endpoint.
            assert.deepEqual(await aws.list("eu-west-1"), []);
            const { resources, deployment } = s.exportState();
            assert.deepEqual(
                resources.filter((res) => res.type === TYPE),
                [],
            );
            assert.deepEqual(deployment.pending_operations ?? [], []);
            await stalled.allClosed(5000);
        } finally {
            await stalled.stop();
        }
    });

    it("records a create whose answer was lost as partially created, and the next up finishes it", async () => {
        const s = await program([spec()]);
        aws.proxy.inject((c) => (c.operation === "PutAggregationAuthorization" ? faults.lostAnswer() : undefined));
        const failed = await s.up({ allowFail: true });
        assert.notEqual(failed.code, 0);
        assert.match(failed.stdout, /creating Config aggregation authorization \(arn:[^)]+\): could not reach AWS Config .* ECONNRESET/);
        assert.deepEqual(
            (await aws.list("eu-west-1")).map((a) => a.AggregationAuthorizationArn),
            [arnOf("eu-west-1")],
            "AWS holds it",
        );
        const [partial] = s.authorizations();
        assert.equal(partial.id, arnOf("eu-west-1"), "the state knows it, with its ID");

        aws.proxy.inject(undefined);
        await s.up();
        const [done] = s.authorizations();
        assert.equal(done.id, arnOf("eu-west-1"));
        assert.deepEqual(done.outputs!.tags, { team: "platform" });
        assert.equal(done.outputs!.creationTime, (await aws.list("eu-west-1"))[0].CreationTime!.toISOString());
        assert.equal((await aws.list("eu-west-1")).length, 1, "one authorization, no duplicate");
        aws.proxy.clear();
        const again = await s.up();
        assert.match(again.stdout, /2 unchanged/);
    });

    it("refresh drops an authorization deleted out of band", async () => {
        const s = await program([spec()]);
        await s.up();
        await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
        aws.proxy.clear();
        await s.refresh();
        assert.deepEqual(s.authorizations(), []);
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "DescribeAggregationAuthorizations"]);
        await s.up();
        assert.deepEqual(
            (await aws.list("eu-west-1")).map((a) => a.AggregationAuthorizationArn),
            [arnOf("eu-west-1")],
            "up creates it again",
        );
    });

    it("refresh records out-of-band tag changes, and the next up restores the program's tags", async () => {
        const s = await program([spec({ tags: { team: "platform", env: "prod" } })]);
        await s.up();
        await aws.tagOutOfBand("eu-west-1", arnOf("eu-west-1"), { team: "someone-else", intruder: "yes" });
        aws.proxy.clear();
        await s.refresh();
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "one Config call per resource");
        const [r] = s.authorizations();
        assert.deepEqual(r.outputs!.tags, { team: "someone-else", env: "prod", intruder: "yes" });
        // A reviewer sees which tags the next up restores and removes, and only those.
        const diff = (await s.previewDiff()).stdout;
        assert.match(diff, /~ tags +: \{\n +- intruder: "yes"\n +~ team +: "someone-else" => "platform"\n +\}/);
        await s.up();
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { team: "platform", env: "prod", ...owned("a") });
    });

    it("previews a tag change as one update, and a resource fed its accountId as unchanged; up agrees", async () => {
        const s = await program([spec({ name: "first" }), spec({ name: "second", region: "us-west-2", accountTagFrom: "first" })]);
        await s.up();
        await declare(s, [
            spec({ name: "first", tags: { team: "security" } }),
            spec({ name: "second", region: "us-west-2", accountTagFrom: "first" }),
        ]);
        const preview = await s.previewJson();
        assert.deepEqual(
            preview.steps
                .filter((x) => x.op !== "same" && x.urn.includes("AggregationAuthorization"))
                .map((x) => [x.urn.split("::").pop(), x.op]),
            [["first", "update"]],
            "second is unchanged: the accountId it is fed stays known",
        );
        aws.proxy.clear();
        await s.up();
        const second = arnOf("us-west-2");
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.body?.ResourceArn === second).map((c) => c.operation),
            [],
            "up leaves the second alone too",
        );
        assert.deepEqual(await aws.tags("us-west-2", second), { team: "platform", source: SOURCE_ACCOUNT, ...owned("second") });
    });

    it("destroy leaves no authorization behind, in any source region", async () => {
        const s = await program([
            spec({ name: "west" }),
            spec({ name: "sydney", region: "ap-southeast-2" }),
            spec({ name: "frankfurt", region: "eu-central-1", authorizedAwsRegion: "eu-central-1" }),
        ]);
        await s.up();
        assert.equal(
            (await aws.list("eu-west-1")).length + (await aws.list("ap-southeast-2")).length + (await aws.list("eu-central-1")).length,
            3,
        );
        await s.destroy();
        for (const region of ["eu-west-1", "ap-southeast-2", "eu-central-1"]) assert.deepEqual(await aws.list(region), [], region);
        assert.deepEqual(s.authorizations(), []);
    });

    it("reads an existing authorization with get, by ARN or by account:region, and never deletes it", async () => {
        const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "managed-by": "control-tower" });
        const s = await program([], {
            gets: JSON.stringify([
                { name: "by-arn", id: existing.AggregationAuthorizationArn },
                { name: "by-key", id: `${AGGREGATOR_ACCOUNT}:us-east-1`, region: "eu-west-1" },
                // 0.1.0's form, get(name, id, region), still works.
                { name: "by-key-0.1", id: `${AGGREGATOR_ACCOUNT}:us-east-1`, region: "eu-west-1", legacy: true },
            ]),
        });
        await s.up();
        const read = (await s.outputs()).read as Record<string, unknown>;
        const expected = {
            arn: existing.AggregationAuthorizationArn,
            accountId: SOURCE_ACCOUNT,
            region: "eu-west-1",
            creationTime: existing.CreationTime!.toISOString(),
            tags: { "managed-by": "control-tower" },
        };
        assert.deepEqual(read, { "by-arn": expected, "by-key": expected, "by-key-0.1": expected });
        await s.destroy();
        assert.deepEqual(await aws.list("eu-west-1"), [existing], "destroy leaves what get read");
    });

    it("tags with keys named like Object.prototype members (toString, constructor, …): up, AWS read back, no changes, destroy", async () => {
        const tags = { toString: "b", constructor: "a", valueOf: "c", hasOwnProperty: "d", team: "platform" };
        const s = await program([spec({ tags })]);
        await s.up();
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { ...tags, ...owned("a") });
        const [r] = s.authorizations();
        assert.deepEqual([r.inputs!.tags, r.outputs!.tags, r.outputs!.tagsAll], [tags, tags, tags], "the state holds them");
        assert.deepEqual(((await s.outputs()).authorizations as Record<string, Record<string, unknown>>).a.tags, tags);
        aws.proxy.clear();
        assert.deepEqual(changes((await s.previewJson()).steps), [], "a preview shows no change");
        assert.deepEqual(aws.proxy.operations(), []);
        await s.destroy();
        assert.deepEqual(await aws.list("eu-west-1"), []);
    });

    it("takes aws:allowedAccountIds set as a number, as pulumi config set --path stores it", async () => {
        const s = await program([spec()]);
        await s.setConfig({ "aws:allowedAccountIds[0]": SOURCE_ACCOUNT }, { path: true });
        const stored = fs.readFileSync(path.join(s.dir, `Pulumi.${s.name}.yaml`), "utf8");
        assert.match(stored, new RegExp(`aws:allowedAccountIds:\\n\\s+- ${SOURCE_ACCOUNT}\\n`), "stored as a number, unquoted");
        await s.up();
        assert.deepEqual(
            (await aws.list("eu-west-1")).map((a) => a.AggregationAuthorizationArn),
            [arnOf("eu-west-1")],
        );
    });

    it("keeps a secret aws:defaultTags value out of the state and the outputs in plain text", async () => {
        const secret = "default-tag-secret-4711";
        const s = await program([spec()]);
        await s.setConfig({ "aws:defaultTags.tags.cost-center": secret }, { secret: true, path: true });
        await s.up();
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { team: "platform", "cost-center": secret, ...owned("a") });
        const { text } = s.exportState();
        assert.ok(!text.includes(secret), "the secret default tag is encrypted in the state");
        assertSecretOutput(s, "authorizations", "a", "tagsAll");
    });

    it("keeps the serialized provider under 1 KB per resource and no credentials in the state", async () => {
        const s = await program([spec({ name: "one" }), spec({ name: "two", region: "us-west-2" })]);
        await s.up();
        const { text, resources } = s.exportState();
        const auths = resources.filter((r) => r.type === TYPE);
        assert.equal(auths.length, 2);
        for (const r of auths) {
            const provider = String(r.inputs!.__provider);
            assert.ok(provider.length < 1024, `__provider is ${provider.length} bytes`);
            assert.equal(provider, PROVIDER_MODULE);
        }
        for (const secret of Object.values(CREDENTIALS_ENV)) assert.ok(!text.includes(secret), "credential value in state");
    });

    it("takes the source region from aws:region and credentials from the aws:profile stack config", async () => {
        const dir = fs.mkdtempSync(path.join(WORK, "creds-"));
        const file = path.join(dir, "credentials");
        fs.writeFileSync(
            file,
            `[engine-profile]\naws_access_key_id = AKIDPROFILE000000001\naws_secret_access_key = ${FAKE_SECRETS.profileSecret}\n`,
        );
        const s = await program([spec({ region: undefined })], { "aws:profile": "engine-profile", "aws:region": "eu-north-1" });
        await s.up({
            env: {
                AWS_ACCESS_KEY_ID: "",
                AWS_SECRET_ACCESS_KEY: "",
                AWS_SESSION_TOKEN: "",
                AWS_SHARED_CREDENTIALS_FILE: file,
                AWS_CONFIG_FILE: path.join(dir, "none"),
            },
        });
        assert.deepEqual([...new Set(aws.proxy.calls.map((c) => c.accessKeyId))], ["AKIDPROFILE000000001"]);
        assert.deepEqual(
            (await aws.list("eu-north-1")).map((a) => a.AggregationAuthorizationArn),
            [arnOf("eu-north-1")],
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
