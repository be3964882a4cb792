/**
 * An error the Connect REST API answers with a status and Connect's body
 * `{"error_code": <status>, "message": "..."}` (Connect's `ConnectRestException`).
 */

import { KstError } from '../../common/errors.ts';

/**
 * @example
 * ```ts
 * throw notFound(`Connector ${name} not found`); // 404 {"error_code":404,"message":"Connector x not found"}
 * ```
 */
export class ConnectRestError extends KstError {
  readonly status: number;
  readonly restMessage: string;

  constructor(status: number, message: string, code: 'KST_CONNECT_REQUEST_INVALID' | 'KST_CONNECT_REBALANCE_IN_PROGRESS' = 'KST_CONNECT_REQUEST_INVALID') {
    super(code, message, { status });
    this.name = 'ConnectRestError';
    this.status = status;
    this.restMessage = message;
  }
}

export const badRequest = (message: string): ConnectRestError => new ConnectRestError(400, message);
export const notFound = (message: string): ConnectRestError => new ConnectRestError(404, message);
export const alreadyExists = (message: string): ConnectRestError => new ConnectRestError(409, message);
export const rebalancing = (message = 'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)'): ConnectRestError =>
  new ConnectRestError(409, message, 'KST_CONNECT_REBALANCE_IN_PROGRESS');
