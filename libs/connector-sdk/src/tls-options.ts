// TLS settings as libpq names them (disable, require, verify-ca, verify-full), turned into Node TLS
// options: one meaning for every database connector. undefined means no TLS.
export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface TlsOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  checkServerIdentity?: () => undefined;
}

export function tlsOptions(mode: SslMode, ca: string | undefined): TlsOptions | undefined {
  switch (mode) {
    case 'disable':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain must lead to the CA; the host name is not compared.
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}), checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  }
}
