/**
 * Notices: one stdout line each, which the engine shows as an info message of the run
 * (pkg/resource/plugin/plugin.go, `runtrace`). A dynamic provider has no engine log, and `delete` no result.
 */

/** Where notices go: stdout, one line each; tests replace it to read them. */
export let noticeSink: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

/** Replaces the sink (tests); returns the previous one. */
export function setNoticeSink(sink: (line: string) => void): (line: string) => void {
    const previous = noticeSink;
    noticeSink = sink;
    return previous;
}

/** Tells the person running Pulumi `message`. Never pass a secret. */
export function notice(message: string): void {
    noticeSink(`pulumi-aws-config-aggregation: ${message.replace(/\s*\n\s*/g, " ")}`);
}
