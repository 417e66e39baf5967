import * as pulumi from "@pulumi/pulumi";
import { SOURCE_ACCOUNT, type Tags } from "../provider/shared";
import { ConfigAggregationResource, type AssumeRoleArgs, type TagsArg } from "./base";

/** The arguments of a {@link SourceAccountAuthorizations}. */
export interface SourceAccountAuthorizationsArgs {
    /**
     * The 12-digit ID of the account that runs the aggregator. Changing it replaces the resource (every
     * region's authorization).
     */
    readonly authorizedAccountId: pulumi.Input<string | number>;
    /** The region of the aggregator, e.g. `us-east-1`. Changing it replaces the resource. */
    readonly authorizedAwsRegion: pulumi.Input<string>;
    /**
     * The source regions: one authorization in each. Adding a region creates exactly that
     * authorization and removing one deletes exactly that one, in place; the order does not matter.
     * @see https://docs.aws.amazon.com/config/latest/developerguide/aggregate-data.html
     */
    readonly regions: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Tags of every region's authorization (at most 49: one marks this resource's creation). A change
     * updates every region in place. The stack's `aws:defaultTags` merge under them; `aws:ignoreTags`
     * are left alone.
     * @default - no tags
     */
    readonly tags?: TagsArg;
    /**
     * The account the authorizations must land in. When set, the preview fails if the credentials or
     * `assumeRole` act in another account, and the create checks before any Put.
     * @default - wherever the credentials act
     */
    readonly sourceAccountId?: pulumi.Input<string>;
    /**
     * A role to assume in the source account; the authorizations live in the role's account. A role in
     * another account replaces the resource.
     * @default - the stack's credentials
     */
    readonly assumeRole?: AssumeRoleArgs;
    /**
     * Manage only the declared tag keys of authorizations that exist already (AWS Control Tower's, say);
     * destroy leaves them. A region where none exists gets one this resource creates (and destroy deletes).
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /**
     * Migration: become the owner of existing authorizations (from pulumi-aws, Terraform, the console);
     * destroy deletes them. Never one of AWS Control Tower's without `takeOwnershipFromControlTower`.
     * @default false
     */
    readonly takeOwnership?: pulumi.Input<boolean>;
    /** With `takeOwnership`: also take over authorizations AWS Control Tower created. @default false */
    readonly takeOwnershipFromControlTower?: pulumi.Input<boolean>;
}

/**
 * The AWS Config aggregation authorizations of one source account for one aggregator: one per source
 * region, held by one resource. An organization of 300 accounts × 17 regions is 300 of these, where one
 * `AggregationAuthorization` per region would be 5,100 resources, and the engine's cost grows with the
 * square of the number of resources (BENCHMARKS.md, "Organization").
 *
 * Every promise of {@link AggregationAuthorization} holds per region: it never takes over, changes or
 * deletes an authorization that is not its own creation; the account is checked before every call;
 * `aws:` tags are never touched. What it adds:
 * - adding or removing a region is an in-place update that creates or deletes exactly that
 *   authorization, and `pulumi preview --diff` names the region (in `arns`);
 * - when some regions fail, the state records the ones that succeeded and the error lists each failed
 *   region with its cause; the next `pulumi up` finishes the rest;
 * - outputs give each region's ARN and creation time.
 *
 * `AggregationAuthorizations` declares one of these per source account.
 */
export class SourceAccountAuthorizations extends ConfigAggregationResource {
    declare public readonly authorizedAccountId: pulumi.Output<string>;
    declare public readonly authorizedAwsRegion: pulumi.Output<string>;
    /** The regions whose authorization AWS holds for this resource, sorted. */
    declare public readonly regions: pulumi.Output<string[]>;
    declare public readonly tags: pulumi.Output<Tags>;
    /** The tags AWS holds on each authorization, as this resource manages them (default tags included). */
    declare public readonly tagsAll: pulumi.Output<Tags>;
    /** The source account (known in a preview when a role or the credentials tell it). */
    declare public readonly accountId: pulumi.Output<string>;
    /** Each region's authorization ARN, by region. */
    declare public readonly arns: pulumi.Output<{ [region: string]: string }>;
    /** When AWS created each region's authorization (ISO 8601), by region. */
    declare public readonly creationTimes: pulumi.Output<{ [region: string]: string }>;
    /** The creation each region's authorization is (its owner tag names it), by region; none for an adopted one. */
    declare public readonly creationIds: pulumi.Output<{ [region: string]: string }>;
    declare public readonly owner: pulumi.Output<string>;

    constructor(name: string, args: SourceAccountAuthorizationsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            SOURCE_ACCOUNT,
            name,
            args,
            { regions: args?.regions, arns: undefined, creationTimes: undefined, creationIds: undefined, exceptions: undefined },
            // A preview names each added or removed region in `arns`, keyed by region; the list's own diff
            // goes by index, so removing one region would read as every later one changing.
            { ...opts, hideDiffs: [...(opts?.hideDiffs ?? []), "regions"] },
            // A region whose tags differ from the common view (adopted, say) records them in `exceptions`.
            ["tagsAll", "exceptions"],
        );
    }
}
