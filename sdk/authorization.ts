/**
 * The resource class users declare, `AggregationAuthorization`: its arguments, its outputs, and the
 * hidden inputs it passes the provider (the owner, the serialized provider module).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Tags } from "../provider/types";
import { PROVIDER_MODULE, TYPE } from "../provider/dynamic";
import { ownerOf } from "../provider/owner";
import { regionFromEnvironment } from "../provider/regions";

export type { Inputs, Outputs, Tags } from "../provider/types";

/** What `AggregationAuthorization.get` needs besides the ID. */
export interface AggregationAuthorizationState {
    /** The source region to look an `authorizedAccountId:authorizedAwsRegion` ID up in. @default - the default region */
    readonly region?: pulumi.Input<string>;
    /**
     * A role to assume in the account the authorization lives in, to read one in another account (a
     * member account of an organization): its external ID stays a secret, as for the resource's own
     * `assumeRole`. Without it, an authorization in another account than the credentials' fails to read,
     * naming both accounts.
     * @default - the stack's credentials
     */
    readonly assumeRole?: AssumeRoleArgs;
}

/** The role an {@link AggregationAuthorization} assumes in its source account. */
export interface AssumeRoleArgs {
    /**
     * The IAM role to assume, e.g. `arn:aws:iam::123456789012:role/config-authorizer`. The authorization
     * lives in this role's account. It is assumed with the stack's credentials (after the stack's
     * `aws:assumeRoles`, if any); the role needs `config:PutAggregationAuthorization`,
     * `config:DescribeAggregationAuthorizations`, `config:ListTagsForResource`, `config:TagResource`,
     * `config:UntagResource`, `config:DeleteAggregationAuthorization`.
     * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
     */
    readonly roleArn: pulumi.Input<string>;
    /**
     * The external ID the role's trust policy requires. Always stored as a Pulumi secret.
     * @default - none
     */
    readonly externalId?: pulumi.Input<string>;
    /**
     * The role session name, as CloudTrail shows it.
     * @default "pulumi-aws-config-aggregation"
     */
    readonly sessionName?: pulumi.Input<string>;
}

/** The arguments of an {@link AggregationAuthorization}. */
export interface AggregationAuthorizationArgs {
    /**
     * The 12-digit ID of the account that runs the aggregator. Changing it replaces the authorization.
     * A 12-digit number (as `pulumi config set --path` stores one) means its digits and is recorded as
     * the string; quote an ID that starts with 0 (a number drops the zero, and is refused).
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html
     */
    readonly authorizedAccountId: pulumi.Input<string | number>;
    /**
     * The region the aggregator runs in, e.g. `us-east-1`. Changing it replaces the authorization.
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html
     */
    readonly authorizedAwsRegion: pulumi.Input<string>;
    /**
     * The source region to create the authorization in. An account-based aggregator needs one
     * authorization per source region, so a program declares one resource per region. Changing the
     * effective region replaces the authorization.
     * @default - the stack's `aws:region` config, then `AWS_REGION`, then `AWS_DEFAULT_REGION`
     */
    readonly region?: pulumi.Input<string>;
    /**
     * Tags of the authorization: at most 49 (AWS allows 50; one is the owner tag); keys 1–128
     * characters, values 0–256 (AWS Config's limits; AWS answers for anything else); keys must not
     * start with `aws:`. Values may be secrets: no message shows a tag value. Changed in place with
     * TagResource/UntagResource.
     * @default - no tags
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_TagResource.html
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Adopt an authorization that already exists for this aggregator account and region, made outside
     * Pulumi (AWS Control Tower, the console), instead of failing. Only the tag keys the program
     * declares are managed (tags someone else set stay), and `pulumi destroy` leaves it in place,
     * because this stack did not create it, removing the tags this resource set on it (README "Adopting
     * an existing authorization"; `retainOnDelete: true` keeps them). Never applies to one another
     * Pulumi resource manages.
     * Off by default.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /**
     * Take an existing authorization over as its owner, once: for moving one that pulumi-aws
     * (`aws.cfg.AggregateAuthorization`), Terraform or the console created under this resource. It
     * applies at the resource's first create only (not to the new authorization of a replacement), never
     * to one that a Pulumi resource manages (move those with `pulumi state move`), and never to one
     * carrying AWS Control Tower's `aws-control-tower` tag unless `takeOwnershipFromControlTower` is set.
     * Its owner tag becomes this resource's, the declared tags are written, the tags it held that the
     * program does not declare stay, and `pulumi destroy` deletes it.
     * See README "Migrating from pulumi-aws or Terraform".
     * @default false
     */
    readonly takeOwnership?: pulumi.Input<boolean>;
    /**
     * Lets `takeOwnership` take an authorization that AWS Control Tower created (it carries the
     * `aws-control-tower` tag). Control Tower's mandatory control AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY
     * protects those, and AWS advises against changing what Control Tower created: prefer `adoptExisting`.
     * @default false
     * @see https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
     */
    readonly takeOwnershipFromControlTower?: pulumi.Input<boolean>;
    /**
     * The account the authorization must land in (the source account). When set, the preview fails if
     * the credentials or `assumeRole` act in another account (where that can be known then), and the
     * create always checks before its Put: a mismatch fails naming both accounts, and nothing is created.
     * `AggregationAuthorizations` sets it for every authorization it declares.
     * @default - wherever the credentials act
     */
    readonly sourceAccountId?: pulumi.Input<string>;
    /**
     * A role to assume in the source account, so that one program reaches many accounts: the
     * authorization lives in the role's account. Changing it to a role in another account replaces the
     * authorization; another role in the same account changes nothing in AWS. Credentials obtained for
     * it stay in the provider process: nothing of them reaches state, outputs or logs.
     * @default - the stack's credentials (`aws:profile`, `aws:assumeRoles`, …, or the environment)
     */
    readonly assumeRole?: AssumeRoleArgs;
}

/** The source region a resource is created in when its `region` input is not set. */
function defaultRegion(): string | undefined {
    return new pulumi.Config("aws").get("region") ?? regionFromEnvironment();
}

/** The Pulumi organization of the running update; DIY backends run in the organization "organization". */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "organization"; // a language host that does not pass it (Pulumi's own mocks, older hosts)
    }
}

/**
 * The owner tag value of a resource (see `provider/owner.ts`): the organization and the resource's own
 * URN, computed as the engine will (`pulumi.createUrn`).
 *
 * The URN of a child depends on its parent's URN, an output of the parent. Passing that output on as
 * an input would make this resource depend on its parent, and a dependency on a component resource
 * means a dependency on every child of it: two authorizations under one component would then wait for
 * each other forever. So only the value is passed on, without the dependency (a parent's URN is known
 * even in preview).
 */
function owner(name: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
    const urn = pulumi.createUrn(name, TYPE, parent);
    const value = new Promise<string>((resolve) => urn.apply((u) => resolve(ownerOf(organization(), u))));
    return pulumi.output(value);
}

/**
 * An AWS Config aggregation authorization: it lets the aggregator in `authorizedAccountId` /
 * `authorizedAwsRegion` collect AWS Config data from this (source) account in `region`.
 *
 * Facts that trip people up:
 * - An account-based aggregator needs one authorization **per source region**: declare one
 *   resource per region (the `region` input), all from one program.
 * - AWS's `PutAggregationAuthorization` ignores tags on an authorization that already exists; this
 *   resource changes tags with `TagResource`/`UntagResource` instead.
 * - If the authorization already exists (AWS Control Tower creates them), `create` fails rather
 *   than silently taking it over; set `adoptExisting: true` to manage its tags (destroy leaves it),
 *   or `takeOwnership: true` to migrate one from pulumi-aws or Terraform (destroy deletes it).
 * - Every read, update and delete first checks that the credentials belong to the authorization's
 *   account, and never changes or deletes an authorization that is not this resource's creation (its
 *   owner tag names the creation, or AWS reports the creation time the state recorded).
 * - A replacement deletes first (`deleteBeforeReplace` defaults to true): AWS holds one authorization
 *   per key, so the two halves of a `pulumi up --replace` cannot both exist.
 *
 * The resource ID is the authorization's ARN.
 */
export class AggregationAuthorization extends pulumi.CustomResource {
    /** The aggregator account that is authorized. */
    declare public readonly authorizedAccountId: pulumi.Output<string>;
    /** The aggregator region that is authorized. */
    declare public readonly authorizedAwsRegion: pulumi.Output<string>;
    /** The source region the authorization lives in. */
    declare public readonly region: pulumi.Output<string>;
    /** The tags of the authorization, as applied. */
    declare public readonly tags: pulumi.Output<Tags>;
    /** Every tag the authorization holds as this resource manages them: the stack's `aws:defaultTags` under `tags`, without `aws:ignoreTags`. */
    declare public readonly tagsAll: pulumi.Output<Tags>;
    /** The role assumed in the source account (without its external ID), if any. */
    declare public readonly assumeRole: pulumi.Output<{ roleArn: string; sessionName?: string } | undefined>;
    /** The Pulumi resource that owns the authorization, `<organization>/<project>/<stack>/<name> sha256:<hash of the URN>` (also its owner tag, unless adopted). */
    declare public readonly owner: pulumi.Output<string>;
    /** Whether adopting existing authorizations was asked for. */
    declare public readonly adoptExisting: pulumi.Output<boolean | undefined>;
    /** Whether taking over existing authorizations was asked for. */
    declare public readonly takeOwnership: pulumi.Output<boolean | undefined>;
    /** The ARN of the authorization (also the resource ID). */
    declare public readonly arn: pulumi.Output<string>;
    /** The source account, from the ARN. */
    declare public readonly accountId: pulumi.Output<string>;
    /** When AWS created the authorization, ISO-8601. */
    declare public readonly creationTime: pulumi.Output<string>;
    /** True when this resource adopted an authorization it did not create (destroy leaves it in place). */
    declare public readonly adopted: pulumi.Output<boolean>;
    /** The creation this resource owns: the random ID in its owner tag (README "The owner tag"); absent when adopted. */
    declare public readonly creationId: pulumi.Output<string | undefined>;

    /**
     * Reads an existing authorization into the program without managing it, following Pulumi's
     * convention `get(name, id, state?, opts?)`.
     * @param id the ARN, or `authorizedAccountId:authorizedAwsRegion` (looked up in `state.region`, or the default region)
     * @param state `region`: the source region to look a key up in; `assumeRole`: the role to read it
     * through, for an authorization in another account (it must be that account's role)
     */
    public static get(
        name: string,
        id: pulumi.Input<string>,
        state?: AggregationAuthorizationState | pulumi.Input<string>,
        opts?: pulumi.CustomResourceOptions,
    ): AggregationAuthorization {
        // 0.1.0 took the region itself as the third argument; that still works until 0.3.0 (CHANGELOG).
        const legacy = typeof state === "string" || pulumi.Output.isInstance(state) || state instanceof Promise;
        const given = legacy ? { region: state } : (state ?? {});
        const { region, assumeRole } = given as AggregationAuthorizationState;
        return new AggregationAuthorization(name, { region, assumeRole } as AggregationAuthorizationArgs, { ...opts, id });
    }

    constructor(name: string, args: AggregationAuthorizationArgs, opts?: pulumi.CustomResourceOptions) {
        if (opts?.import !== undefined) {
            throw new Error(
                `AggregationAuthorization ${name}: the import option is not supported: Pulumi cannot import dynamic resources. ` +
                    `Declare the resource with adoptExisting: true to manage the tags of an authorization made outside Pulumi (destroy leaves it), ` +
                    `or with takeOwnership: true to migrate one from pulumi-aws or Terraform (destroy deletes it); see the README, "Adopting an existing authorization".`,
            );
        }
        const secretTags = mayHoldSecrets(args?.tags) || defaultTagsMayBeSecret();
        super(
            TYPE,
            name,
            {
                authorizedAccountId: args?.authorizedAccountId,
                authorizedAwsRegion: args?.authorizedAwsRegion,
                region: args?.region ?? defaultRegion(),
                tags: tagsInput(name, args?.tags),
                adoptExisting: args?.adoptExisting,
                takeOwnership: args?.takeOwnership,
                takeOwnershipFromControlTower: args?.takeOwnershipFromControlTower,
                sourceAccountId: args?.sourceAccountId,
                assumeRole: args?.assumeRole
                    ? {
                          roleArn: args.assumeRole.roleArn,
                          ...(args.assumeRole.sessionName !== undefined ? { sessionName: args.assumeRole.sessionName } : {}),
                      }
                    : undefined,
                // Its own input, and always a secret: the state holds it encrypted, and the role ARN stays readable.
                ...(args?.assumeRole?.externalId !== undefined ? { assumeRoleExternalId: pulumi.secret(args.assumeRole.externalId) } : {}),
                owner: opts?.id ? undefined : owner(name, opts?.parent),
                __provider: PROVIDER_MODULE,
                arn: undefined,
                accountId: undefined,
                creationTime: undefined,
                adopted: undefined,
                tagsAll: undefined,
                // Tells the provider not to preview tagsAll: a value of it may be secret, which the provider cannot mark.
                tagsMayBeSecret: secretTags || undefined,
                creationId: undefined,
                takenOver: undefined,
            },
            {
                // A replacement that keeps the key (`pulumi up --replace`) would have both halves hold the one
                // authorization AWS keeps per key: delete first (README "Replacements").
                ...opts,
                deleteBeforeReplace: opts?.deleteBeforeReplace ?? true,
                ...(secretTags ? { additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "tagsAll"] } : {}),
            },
        );
    }
}

/**
 * The `tags` input as handed to Pulumi, so that any tag key AWS accepts works.
 *
 * Pulumi labels each input of a new resource with its value converted to a string (`${value}` in
 * `transferProperties`, `@pulumi/pulumi/runtime/rpc.ts`), before it serializes anything. A map with
 * a `toString` key is not convertible (its `toString` is a string, not a function) and the conversion
 * throws "Cannot convert object to primitive value", out of the resource's constructor. A copy of the
 * map with its own string conversion (a non-enumerable `Symbol.toPrimitive`, which Pulumi's
 * serialization, `Object.keys` and the JSON of the state never see) passes; the map itself is unchanged.
 *
 * A `__proto__` key cannot pass: Pulumi's Node.js runtime copies maps by assignment (`obj[key] = value`)
 * on both sides of the engine (the program's serialization, `pulumi.output`, and the provider host's
 * protobuf conversion), and assigning `__proto__` a string does nothing. It would vanish silently; it
 * is refused by name instead.
 */
function tagsInput(name: string, tags: AggregationAuthorizationArgs["tags"]): AggregationAuthorizationArgs["tags"] {
    if (pulumi.Output.isInstance(tags)) return tags.apply((t) => (refuseUnpassableKeys(name, t), t));
    if (tags === null || typeof tags !== "object" || tags instanceof Promise || Array.isArray(tags)) return tags;
    refuseUnpassableKeys(name, tags);
    return Object.defineProperty({ ...tags }, Symbol.toPrimitive, { value: () => "[object Object]", enumerable: false });
}

/** Throws, naming the key, for a tag key Pulumi's Node.js runtime cannot carry (`__proto__`). */
function refuseUnpassableKeys(name: string, tags: unknown): void {
    if (tags !== null && typeof tags === "object" && Object.hasOwn(tags, "__proto__")) {
        throw new Error(
            `AggregationAuthorization ${name}: tags: the key "__proto__" cannot be used: Pulumi's Node.js SDK drops a map key of that name ` +
                `on its way to the engine and back (it assigns keys one by one, and assigning __proto__ a string does nothing). Use another key.`,
        );
    }
}

/**
 * True unless `tags` is a plain map of plain strings. Pulumi marks an output secret when the input of
 * the same name was, and `tagsAll` has no input: when a tag value may be a secret (it comes from an
 * Output, such as secret config), `tagsAll` is made a secret output so that the state holds it encrypted.
 */
/**
 * True when the stack's `aws:defaultTags` (merged into `tagsAll` by the provider, which receives stack
 * config in plain text) is secret config. Pulumi knows through `runtime.isConfigSecret`, which it marks
 * internal; without it, any `aws:defaultTags` counts as secret.
 */
function defaultTagsMayBeSecret(): boolean {
    if (pulumi.runtime.getConfig("aws:defaultTags") === undefined) return false;
    const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    return typeof isConfigSecret === "function" ? isConfigSecret("aws:defaultTags") : true;
}

function mayHoldSecrets(tags: AggregationAuthorizationArgs["tags"]): boolean {
    if (tags === undefined) return false;
    if (typeof tags !== "object" || tags === null || pulumi.Output.isInstance(tags) || tags instanceof Promise) return true;
    return Object.values(tags).some((v) => typeof v !== "string");
}
