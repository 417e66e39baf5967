/**
 * The resource class users declare, `AggregationAuthorization`: its arguments, its outputs, and the
 * hidden inputs it passes the provider (the owner, the serialized provider module).
 */
import * as pulumi from "@pulumi/pulumi";
import { AUTHORIZATION, type Tags } from "../provider/shared";
import { ConfigAggregationResource, defaultRegion, type AssumeRoleArgs } from "./base";

export type { AssumeRoleArgs } from "./base";

export type { Inputs, Outputs, Tags } from "../provider/shared";

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
     * because this stack did not create it, removing the tags this resource set on it
     * (docs/ownership-and-adoption.md, "Adopting an existing authorization"; `retainOnDelete: true` keeps
     * them). Never applies to one another Pulumi resource manages.
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
     * See docs/migration.md, "Migrating from pulumi-aws or Terraform".
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
export class AggregationAuthorization extends ConfigAggregationResource {
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
    /** The creation this resource owns: the random ID in its owner tag (docs/ownership-and-adoption.md, "The owner tag"); absent when adopted. */
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
        super(
            AUTHORIZATION,
            name,
            args,
            {
                region: args?.region ?? defaultRegion(),
                arn: undefined,
                creationTime: undefined,
                adopted: undefined,
                creationId: undefined,
                takenOver: undefined,
            },
            opts,
        );
    }
}
