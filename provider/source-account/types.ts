/**
 * The contract of `SourceAccountAuthorizations` between the SDK class and its provider: one source
 * account's aggregation authorizations, one per source region, for one aggregator.
 */
import type { Inputs, Tags } from "../core/model/types";

/** The inputs every region shares with the single resource's (`Inputs` without `region`). */
type Shared = Omit<Inputs, "region">;

export interface SourceAccountInputs extends Shared {
    /** The source regions: one authorization in each. Sorted by `check`. */
    regions: string[];
    /** Known in previews once the account is (check): the source account. */
    accountId?: string;
    /** Known in previews once the account is (check): the ARN of the authorization in each region. */
    arns?: { [region: string]: string };
    /** The tags AWS will hold (check; left out when a value may be a secret). */
    tagsAll?: Tags;
}

/**
 * What one region's authorization records beyond the resource's common view: only where it differs
 * (adopted or taken over, tags AWS holds otherwise, the owner tag found missing), so that the state of
 * a resource whose regions all match stays small (the engine writes it after every step).
 */
export interface RegionRecord {
    adopted?: boolean;
    takenOver?: boolean;
    foundTagKeys?: string[];
    tags?: Tags;
    tagsAll?: Tags;
    /** A refresh found this resource's owner tag removed or edited there: the next up writes it back. */
    ownerTagMissing?: boolean;
    /** The owner its tag names, when not the resource's (a rename with an alias whose update failed there). */
    owner?: string;
}

export interface SourceAccountOutputs extends SourceAccountInputs {
    accountId: string;
    /** The ARN of the authorization in each region that AWS holds for this resource. */
    arns: { [region: string]: string };
    /** When AWS created each region's authorization (ISO 8601). */
    creationTimes: { [region: string]: string };
    /** The creation each region's authorization is (its owner tag names it); none for an adopted one. */
    creationIds: { [region: string]: string };
    tagsAll: Tags;
    /** Regions whose authorization differs from the common view (see {@link RegionRecord}). */
    exceptions?: { [region: string]: RegionRecord };
}
