/**
 * API key format and hashing. A key is `anvil_<prefix>_<secret>`: the prefix (12 hex characters,
 * 48 random bits) is public — it is stored in clear, shown in listings and used to find the row —
 * and the secret (32 random bytes, base64url) is shown once and stored only as its SHA-256.
 *
 * Why SHA-256 and not a slow password hash (scrypt, argon2): the secret is 256 bits from the
 * operating system's random source, not a human-chosen password, so a stolen hash cannot be
 * brute-forced however fast the hash is; a slow hash would only add latency to every request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const keyPattern = /^anvil_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  /** The whole key, to show once. */
  readonly key: string;
  readonly prefix: string;
  /** Hex SHA-256 of the secret part: what the database stores. */
  readonly hash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A fresh public prefix and secret, and the secret's hash: shared by API keys and outside agents' tokens. */
export function generateSecret(): { prefix: string; secret: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secret, hash: hashSecret(secret) };
}

export function generateKey(): GeneratedKey {
  const { prefix, secret, hash } = generateSecret();
  return { key: `anvil_${prefix}_${secret}`, prefix, hash };
}

/** Splits a presented key; undefined when it is not in the issued format. */
export function parseKey(presented: string): { prefix: string; secret: string } | undefined {
  const match = keyPattern.exec(presented);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/**
 * Compares the presented secret's hash with the stored one in constant time. Both are hex
 * SHA-256 digests of equal length, so the comparison time reveals nothing about where they differ.
 */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
