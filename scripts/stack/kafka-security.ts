/**
 * The broker's secured listener (SASL_SSL): TLS material made with openssl on first start
 * and a SCRAM user, so that clients can be tested against what managed Kafka services
 * require. Everything lives in the broker's folder under the stack home:
 *
 * - `tls/ca.pem` (the CA clients trust), `tls/broker-store.pem` (the broker's key and
 *   certificate for 127.0.0.1 and localhost, as Kafka's PEM key store), and
 *   `tls/client.pem` / `tls/client-key.pem` (a client certificate signed by the CA, for
 *   mutual TLS);
 * - `scram.json`: the SCRAM-SHA-512 / SCRAM-SHA-256 user and its generated password.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';

export interface KafkaTlsMaterial {
  /** The CA certificate clients trust (PEM). */
  readonly ca: string;
  /** The broker's private key followed by its certificate (PEM, Kafka's `ssl.keystore.type=PEM`). */
  readonly brokerKeyStore: string;
  /** A client certificate and its key, signed by the same CA (PEM). */
  readonly clientCertificate: string;
  readonly clientKey: string;
}

export interface ScramUser {
  readonly username: string;
  readonly password: string;
}

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim() ?? '';
    throw new KstError('KST_STACK_START_FAILED', `openssl ${args[0]} failed making the broker's TLS material: ${stderr || (error as Error).message}`, { service: 'kafka' });
  }
}

/** Makes (once) a CA, the broker's certificate for the stack host, and a client certificate. */
export function ensureTlsMaterial(brokerDir: string, host: string): KafkaTlsMaterial {
  const dir = join(brokerDir, 'tls');
  const material: KafkaTlsMaterial = {
    ca: join(dir, 'ca.pem'),
    brokerKeyStore: join(dir, 'broker-store.pem'),
    clientCertificate: join(dir, 'client.pem'),
    clientKey: join(dir, 'client-key.pem'),
  };
  if (Object.values(material).every((file) => existsSync(file))) return material;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const days = '3650';
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', days, '-subj', '/CN=kstreams-stack-ca'], dir);
  const sign = (name: string, subject: string, extensions: string): void => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject], dir);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}.pem`, '-days', days, '-extfile', `${name}.ext`], dir);
  };
  const hosts = [...new Set([host, '127.0.0.1', 'localhost'])];
  const altNames = hosts.map((name) => (/^[\d.]+$/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  sign('broker', '/CN=kstreams-stack-broker', `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  sign('client', '/CN=kstreams-stack-client', 'extendedKeyUsage=clientAuth\n');
  // Kafka's PEM key store wants the PKCS#8 key first, then the certificate chain.
  writeFileSync(material.brokerKeyStore, readFileSync(join(dir, 'broker-key.pem'), 'utf8') + readFileSync(join(dir, 'broker.pem'), 'utf8'));
  return material;
}

/** The stack's SCRAM user, with a password generated on first use. */
export function scramUser(brokerDir: string): ScramUser {
  const file = join(brokerDir, 'scram.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ScramUser;
  mkdirSync(brokerDir, { recursive: true });
  const user: ScramUser = { username: 'kstreams', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, `${JSON.stringify(user)}\n`, { mode: 0o600 });
  return user;
}

/** The `--add-scram` arguments of Kafka's storage format for the stack's user, both SCRAM mechanisms. */
export function scramFormatArgs(user: ScramUser): string[] {
  return ['SCRAM-SHA-512', 'SCRAM-SHA-256'].flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${user.username},password=${user.password}]`]);
}

/** server.properties lines for the SASL_SSL listener (listeners and the protocol map are set by the caller). */
export function saslSslProperties(material: KafkaTlsMaterial): string[] {
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.ssl.keystore.type=PEM',
    `listener.name.sasl_ssl.ssl.keystore.location=${material.brokerKeyStore}`,
    'listener.name.sasl_ssl.ssl.truststore.type=PEM',
    `listener.name.sasl_ssl.ssl.truststore.location=${material.ca}`,
    // Clients may present a certificate (mutual TLS) but need not: SASL identifies them.
    'listener.name.sasl_ssl.ssl.client.auth=requested',
  ];
}

/**
 * How a client reaches the stack's SASL_SSL listener as the stack's SCRAM user: the bootstrap
 * address and the client settings (Kafka's names), for tests and for users of the stack.
 */
export function securedKafkaClient(config: { readonly home: string; readonly host: string; readonly 'kafka.sasl.port': number }, mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256' = 'SCRAM-SHA-512') {
  const dir = join(config.home, 'kafka');
  const user = scramUser(dir);
  const escape = (value: string): string => value.replace(/["\\]/g, '\\$&');
  return {
    bootstrap: `${config.host}:${config['kafka.sasl.port']}`,
    settings: {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': mechanism,
      'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${escape(user.username)}" password="${escape(user.password)}";`,
      'ssl.ca.location': join(dir, 'tls', 'ca.pem'),
    },
    user,
  } as const;
}
