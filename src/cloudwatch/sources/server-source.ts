import type { InternalErrorSink } from '../../server/error-path.js';
import { dimensionCache, dims, type Dimension } from '../dimensions.js';
import { TRIBUTARY_SERVER_NAMESPACE, type MetricRecorder } from '../metric-recorder.js';

/**
 * The server's own figures, in `Tributary/Server` (no AWS namespace says them): InternalErrors, each request (or
 * batch entry) that failed with a bug and was answered as InternalFailure, under {Service, Operation}, or {Service}
 * alone when the request named no operation the service has (AWS forbids an empty dimension value). `/metrics`
 * names it `tributary_internal_errors_total{service,operation}` (operation "" for the latter; prometheus-bridge.ts).
 *
 * The error path (`server/error-path.ts`) sits below every component and knows no recorder: the wiring hands it
 * this sink (`ErrorPath.countInto`), of the default region's recorder, since the HTTP layer is the server's, not a
 * region's.
 */
export function internalErrorSink(rec: MetricRecorder): InternalErrorSink {
  // Keyed by service and operation; the error path bounds operation names, and services are few.
  const sets = dimensionCache((key): Dimension[][] => {
    const [service = '', operation] = key.split('\0');
    return [dims({ Service: service, Operation: operation })];
  });
  return (service, operation) => {
    rec.server.internalErrors++;
    rec.put(TRIBUTARY_SERVER_NAMESPACE, 'InternalErrors', sets.get(`${service}\0${operation ?? ''}`), 1);
  };
}
