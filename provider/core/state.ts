/**
 * The one upgrader of state that older versions wrote. Every operation that receives a resource's
 * state (diff, read, update, delete) reads it through {@link upgraded}, so that no rule elsewhere falls
 * back field by field:
 * - 0.1.0 wrote no `tagsAll` (it had no default tags: what AWS held was `tags`) and no `adopted`
 *   (absent meant false), and some of its state has no `region` (the ARN, which is the ID, has it);
 * - state from before creation IDs has no `creationId`: `ownership.ts` then matches the recorded owner
 *   alone, and the next update writes one.
 */
import { parseArn } from "./model/id";
import type { Outputs, Tags } from "./model/types";

/** A resource's state as every operation reads it: the fields older versions left out, filled in. */
export type State = Outputs & { tagsAll: Tags; adopted: boolean };

/** `o` (state of the resource with ID `id`, written by any version) with the fields older versions left out. */
export function upgraded(id: string, o: Outputs): State {
    return {
        ...o,
        tagsAll: o.tagsAll ?? o.tags ?? {},
        adopted: o.adopted === true,
        ...(o.region === undefined && id.startsWith("arn:") ? { region: parseArn(id).region } : {}),
    };
}
