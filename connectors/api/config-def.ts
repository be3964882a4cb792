/**
 * A connector config key as Kafka Connect describes it (`ConfigDef.ConfigKey`), which is
 * what `PUT /connector-plugins/{plugin}/config/validate` and
 * `GET /connector-plugins/{plugin}/config` report.
 */

export type ConnectConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type ConnectImportance = 'HIGH' | 'MEDIUM' | 'LOW';

export interface ConfigDefinitionKey {
  readonly name: string;
  readonly type: ConnectConfigType;
  /** undefined: required. */
  readonly defaultValue?: string | null;
  readonly importance: ConnectImportance;
  readonly documentation: string;
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';
  readonly displayName?: string;
  readonly dependents?: readonly string[];
  /** Allowed values, for enumerated keys. */
  readonly recommendedValues?: readonly string[];
  /** Checks one value; returns an error message or undefined. */
  readonly validator?: (value: string | null) => string | undefined;
}
