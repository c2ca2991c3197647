import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';

/**
 * A throw-away CA and a `localhost`/`127.0.0.1` leaf signed by it, made at every start.
 * MSAL refuses non-https authorities (graph-protocol.md §1.5, `authority_uri_insecure`), so the
 * emulator must speak TLS; clients trust the CA PEM (undici `connect: { ca }`, `https.Agent({ ca })`,
 * core-rest-pipeline `tlsOptions: { ca }`). Only the CA certificate is written to disk.
 */
export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** 2048-bit RSA; the keys never leave the process. */
const KEY_BITS = 2048;

/**
 * Keys come from node:crypto, not forge: forge's own RSA keys now and then encode an integer
 * OpenSSL 3 refuses ("asn1 encoding routines::illegal padding"), which failed a server start
 * about once in a few thousand. Forge only builds and signs the certificates.
 */
export function rsaKeys(): { pem: string; forge: forge.pki.rsa.KeyPair } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { pem, forge: { privateKey: key, publicKey: forge.pki.rsa.setPublicKey(key.n, key.e) } };
}

function serial(): string {
  // positive serial: first hex digit below 8
  return `0${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + days * 24 * 60 * 60 * 1000);
}

/** Fresh material that OpenSSL has read back; a rare unreadable encoding is made again. */
export function generateTlsMaterial(): TlsMaterial {
  for (let attempt = 1; ; attempt++) {
    const material = makeTlsMaterial();
    try {
      // what the HTTPS server and its clients will load
      createSecureContext({ key: material.keyPem, cert: material.certPem, ca: material.caPem });
      return material;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

function makeTlsMaterial(): TlsMaterial {
  const caKeys = rsaKeys().forge;
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca, 30);
  const caName = [{ name: 'commonName', value: 'Tenantscope Emulator CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leafKeys = rsaKeys();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.forge.publicKey;
  leaf.serialNumber = serial();
  validity(leaf, 30);
  leaf.setSubject([{ name: 'commonName', value: 'localhost' }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: leafKeys.pem,
  };
}

/** Writes the CA PEM where clients can find it; a fresh temp directory unless a path is given. */
export function writeCaFile(caPem: string, caFile?: string): string {
  const path = caFile ?? join(mkdtempSync(join(tmpdir(), 'tenantscope-emulator-')), 'ca.pem');
  writeFileSync(path, caPem, { mode: 0o644 });
  return path;
}
