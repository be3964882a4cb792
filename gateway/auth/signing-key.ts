/**
 * The gateway's own token-signing key: a private key in a PEM file (PKCS#8 or the
 * traditional forms node reads), Ed25519 (signs EdDSA) or RSA of at least 2048 bits
 * (signs RS256). Read and checked once at start; a missing, unreadable or unsuitable file
 * stops the gateway with `KST_CONFIG_INVALID` naming the variable. The public half is
 * published as a JWKS (`GET /.well-known/jwks.json`), its `kid` the key's RFC 7638
 * thumbprint, so a rotated key gets a new `kid`.
 *
 * `generateSigningKeyFile` writes a fresh Ed25519 key (mode 0600): `npm start` uses it to
 * make the development key in `.stack/`.
 *
 * @example
 * ```ts
 * const key = await loadSigningKey('/etc/gateway/signing-key.pem', 'GATEWAY_AUTH_PRIVATE_KEY_FILE');
 * key.alg;  // 'EdDSA'
 * key.jwks; // { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '…', kid: '…', alg: 'EdDSA', use: 'sig' }] }
 * ```
 */

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JSONWebKeySet, type JWK } from 'jose';
import { KstError } from '../../common/errors.ts';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly alg: 'EdDSA' | 'RS256';
  readonly kid: string;
  /** The public key as a JWKS of one key. */
  readonly jwks: JSONWebKeySet;
}

const MIN_RSA_BITS = 2048;

function invalid(variable: string, message: string): never {
  throw new KstError('KST_CONFIG_INVALID', `${variable} ${message}`, { key: variable });
}

/** Reads and checks the key file `variable` names. */
export async function loadSigningKey(file: string, variable: string): Promise<SigningKey> {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    invalid(variable, `names ${file}, which cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    invalid(variable, `names ${file}, which is not a PEM private key: ${error instanceof Error ? error.message : String(error)}`);
  }
  let alg: SigningKey['alg'];
  if (privateKey.asymmetricKeyType === 'ed25519') {
    alg = 'EdDSA';
  } else if (privateKey.asymmetricKeyType === 'rsa') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) invalid(variable, `names ${file}, an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are needed`);
    alg = 'RS256';
  } else {
    invalid(variable, `names ${file}, a key of type ${privateKey.asymmetricKeyType ?? 'unknown'}; the gateway signs with Ed25519 (EdDSA) or RSA (RS256)`);
  }
  const publicKey = createPublicKey(privateKey);
  const jwk: JWK = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return Object.freeze({ privateKey, publicKey, alg, kid, jwks: { keys: [{ ...jwk, kid, alg, use: 'sig' }] } });
}

/** Writes a new Ed25519 private key to `file` (PKCS#8 PEM, mode 0600) unless the file exists; true when written. */
export function generateSigningKeyFile(file: string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return true;
}
