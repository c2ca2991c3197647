import { createHmac, hkdfSync, X509Certificate } from 'node:crypto';
import type { AppCredential } from '../connectors/token-provider.ts';
import { decrypt, encrypt, generateKey, type SymmetricKey, unwrapKey, wrapKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';

/**
 * The credential vault. Key hierarchy (see also src/platform/crypto.ts):
 *
 *   key-encryption key (KEK) — environment or key file, never in the database
 *     └─ data key, one per tenant — stored only wrapped by the KEK (`wrapped_data_key`)
 *          └─ the tenant's secret: client secret, certificate private key or refresh token
 *
 * The associated data binds each ciphertext to its owner — workspace and Microsoft tenant, see
 * `vaultOwner` — so a row copied onto another tenant or workspace does not decrypt. Secrets are opened only by the sync worker, right before calling Microsoft.
 */
export interface SealedCredential {
  kind: 'secret' | 'certificate' | 'refresh-token';
  wrapped_data_key: string;
  secret_ciphertext: string;
  /** the public certificate is not secret; kept in clear for expiry and thumbprint */
  certificate_pem: string | null;
  expires_at: Date | null;
}

/** Whom a sealed credential belongs to; part of the associated data of its ciphertexts. */
export const vaultOwner = (workspaceId: string, microsoftTenantId: string): string =>
  `${workspaceId}/${microsoftTenantId.toLowerCase()}`;

export interface Vault {
  seal(owner: string, credential: AppCredential): SealedCredential;
  open(
    owner: string,
    sealed: Pick<SealedCredential, 'kind' | 'wrapped_data_key' | 'secret_ciphertext' | 'certificate_pem'>,
  ): AppCredential;
  /** Re-wraps a data key under the current KEK (key rotation touches one value per tenant). */
  rewrap(owner: string, wrappedDataKey: string): string;
  /** Seals a delegated refresh token (tenant_arm_credentials), under a data key of its own. */
  sealToken(owner: string, token: string): Pick<SealedCredential, 'wrapped_data_key' | 'secret_ciphertext'>;
  openToken(owner: string, sealed: Pick<SealedCredential, 'wrapped_data_key' | 'secret_ciphertext'>): string;
  /**
   * The PKCE code verifier (RFC 7636 §4.1) of a sign-in, derived from its `state` under a key
   * derived from the KEK: nothing about it is stored, and any worker holding the KEK finds it again.
   */
  pkceVerifier(state: string): string;
}

/** `keks[0]` wraps new data keys; every KEK in the list can unwrap (old ones during a rotation). */
export function createVault(keks: readonly SymmetricKey[]): Vault {
  if (keks.length === 0)
    throw new TenantscopeError('TS_ERR_MASTER_KEY_MISSING', 'the vault needs a key-encryption key');
  const current = keks[0]!;
  const place = (owner: string) => `tenant:${owner}:credential`;
  const tokenPlace = (owner: string) => `tenant:${owner}:arm-refresh-token`;
  const pkceKey = Buffer.from(
    hkdfSync('sha256', current.bytes, Buffer.alloc(0), 'tenantscope/pkce-verifier', 32),
  );
  return {
    seal(owner, credential) {
      const dataKey = generateKey();
      const secret = credential.kind === 'secret' ? credential.clientSecret : credential.privateKeyPem;
      return {
        kind: credential.kind,
        wrapped_data_key: wrapKey(current, dataKey, owner),
        secret_ciphertext: encrypt(dataKey, secret, place(owner)),
        certificate_pem: credential.kind === 'certificate' ? credential.certificatePem : null,
        expires_at:
          credential.kind === 'certificate'
            ? new Date(new X509Certificate(credential.certificatePem).validTo)
            : null,
      };
    },
    open(owner, sealed) {
      const dataKey = unwrapKey(keks, sealed.wrapped_data_key, owner);
      const secret = decrypt([dataKey], sealed.secret_ciphertext, place(owner)).toString('utf8');
      if (sealed.kind === 'certificate') {
        return { kind: 'certificate', certificatePem: sealed.certificate_pem ?? '', privateKeyPem: secret };
      }
      return { kind: 'secret', clientSecret: secret };
    },
    rewrap(owner, wrappedDataKey) {
      return wrapKey(current, unwrapKey(keks, wrappedDataKey, owner), owner);
    },
    sealToken(owner, token) {
      const dataKey = generateKey();
      return {
        wrapped_data_key: wrapKey(current, dataKey, owner),
        secret_ciphertext: encrypt(dataKey, token, tokenPlace(owner)),
      };
    },
    openToken(owner, sealed) {
      const dataKey = unwrapKey(keks, sealed.wrapped_data_key, owner);
      return decrypt([dataKey], sealed.secret_ciphertext, tokenPlace(owner)).toString('utf8');
    },
    pkceVerifier(state) {
      return createHmac('sha256', pkceKey).update(state).digest('base64url');
    },
  };
}
