/**
 * The Apache Kafka Connect version whose REST API this worker speaks (`GET /`), and the
 * version its built-in converters, transforms and predicates report (in Connect they ship
 * with the worker, so they carry its version).
 */

export const CONNECT_VERSION = '4.1.2';
