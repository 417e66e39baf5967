/**
 * The one upgrader of older state, so no rule elsewhere falls back field by field. 0.1.0 wrote no
 * `tagsAll`, no `adopted` and sometimes no `region`; state before creation IDs has no `creationId`.
 */
import { parseArn } from "./model/id";
import type { Outputs, Tags } from "./model/types";

/** State with the fields older versions left out filled in. */
export type State = Outputs & { tagsAll: Tags; adopted: boolean };

/** `o`, written by any version, upgraded. */
export function upgraded(id: string, o: Outputs): State {
    return {
        ...o,
        tagsAll: o.tagsAll ?? o.tags ?? {},
        adopted: o.adopted === true,
        ...(o.region === undefined && id.startsWith("arn:") ? { region: parseArn(id).region } : {}),
    };
}
