/** The contract of `SourceAccountAuthorizations`: one account's authorizations, one per region, for one aggregator. */
import type { Inputs, Tags } from "../core/model/types";

/** The inputs every region shares. */
type Shared = Omit<Inputs, "region">;

export interface SourceAccountInputs extends Shared {
    /** One authorization in each; sorted by `check`. */
    regions: string[];
    /** Set by `check` so previews show it once known. */
    accountId?: string;
    /** Set by `check` so previews show it once known. */
    arns?: { [region: string]: string };
    /** Set by `check` unless a value may be secret. */
    tagsAll?: Tags;
}

/**
 * One region's record where it differs from the resource's common view, so that state (written
 * after every step) stays small when all regions match.
 */
export interface RegionRecord {
    adopted?: boolean;
    takenOver?: boolean;
    foundTagKeys?: string[];
    tags?: Tags;
    tagsAll?: Tags;
    /** A refresh found the owner tag removed or edited: the next up writes it back. */
    ownerTagMissing?: boolean;
    /** The owner its tag names, when not this resource (an aliased rename whose update failed there). */
    owner?: string;
}

export interface SourceAccountOutputs extends SourceAccountInputs {
    accountId: string;
    arns: { [region: string]: string };
    /** ISO 8601. */
    creationTimes: { [region: string]: string };
    /** None for an adopted authorization. */
    creationIds: { [region: string]: string };
    tagsAll: Tags;
    exceptions?: { [region: string]: RegionRecord };
}
