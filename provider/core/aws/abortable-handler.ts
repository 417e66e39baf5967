/**
 * An HTTP handler whose requests also end when its owner's signal aborts. The SDK's
 * `fromTemporaryCredentials` sends sts:AssumeRole with no abort signal: against a stalled STS it kept
 * a failed program alive 80 s. The SDK does not retry an aborted request.
 */
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpHandlerOptions } from "@smithy/types";

type Request = Parameters<NodeHttpHandler["handle"]>[0];

export class AbortableHandler {
    /** Replaced for each new call. */
    signal: AbortSignal | undefined;

    constructor(private readonly inner: NodeHttpHandler) {}

    handle(request: Request, options: HttpHandlerOptions = {}): ReturnType<NodeHttpHandler["handle"]> {
        const signals = [options.abortSignal as AbortSignal | undefined, this.signal].filter((s): s is AbortSignal => s !== undefined);
        const abortSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
        return this.inner.handle(request, {
            ...options,
            ...(abortSignal ? { abortSignal: abortSignal as HttpHandlerOptions["abortSignal"] } : {}),
        });
    }

    updateHttpClientConfig(...args: Parameters<NodeHttpHandler["updateHttpClientConfig"]>): void {
        this.inner.updateHttpClientConfig(...args);
    }

    httpHandlerConfigs(): ReturnType<NodeHttpHandler["httpHandlerConfigs"]> {
        return this.inner.httpHandlerConfigs();
    }

    destroy(): void {
        this.inner.destroy();
    }
}
