import { createHash } from 'node:crypto';
import type { Tx } from '../storage/transactions.ts';
import { type BrandingFields, DEFAULT_BRANDING } from './branding-fns.ts';
import type { LogoFacts, LogoType } from './logo-fns.ts';

/** The logo's facts without its bytes (what views and the ETag need). */
export interface LogoInfo {
  type: LogoType;
  sha256: string;
  width: number;
  height: number;
}

export interface StoredBranding {
  fields: BrandingFields;
  logo: LogoInfo | null;
  workspaceName: string;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The workspace's branding (inside its `withWorkspace`); no row means the defaults. Never loads the logo bytes. */
export async function getBranding(tx: Tx, workspaceId: string): Promise<StoredBranding> {
  const workspace = await tx
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const row = await tx
    .selectFrom('workspace_branding')
    .select([
      'display_name',
      'accent_color',
      'footer_text',
      'sender_name',
      'logo_type',
      'logo_sha256',
      'logo_width',
      'logo_height',
      'updated_by',
      'updated_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row)
    return {
      fields: { ...DEFAULT_BRANDING },
      logo: null,
      workspaceName: workspace.name,
      updatedBy: null,
      updatedAt: null,
    };
  return {
    fields: {
      displayName: row.display_name,
      accentColor: row.accent_color,
      footerText: row.footer_text,
      senderName: row.sender_name,
    },
    logo:
      row.logo_type && row.logo_sha256 && row.logo_width && row.logo_height
        ? {
            type: row.logo_type as LogoType,
            sha256: row.logo_sha256,
            width: row.logo_width,
            height: row.logo_height,
          }
        : null,
    workspaceName: workspace.name,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

const columnsOf = (f: BrandingFields) => ({
  display_name: f.displayName,
  accent_color: f.accentColor,
  footer_text: f.footerText,
  sender_name: f.senderName,
});

export async function saveBrandingFields(
  tx: Tx,
  workspaceId: string,
  fields: BrandingFields,
  by: string,
  at: Date,
): Promise<void> {
  const values = { ...columnsOf(fields), updated_by: by, updated_at: at };
  await tx
    .insertInto('workspace_branding')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}

/** Stores a checked logo (logo-fns.ts `checkLogo`); returns its SHA-256 (hex), the ETag's basis. */
export async function saveLogo(
  tx: Tx,
  workspaceId: string,
  bytes: Buffer,
  facts: LogoFacts,
  by: string,
  at: Date,
): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const values = {
    logo: bytes,
    logo_type: facts.type,
    logo_sha256: sha256,
    logo_width: facts.width,
    logo_height: facts.height,
    updated_by: by,
    updated_at: at,
  };
  await tx
    .insertInto('workspace_branding')
    .values({ workspace_id: workspaceId, ...columnsOf(DEFAULT_BRANDING), ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  return sha256;
}

/** Removes the logo; false when there was none. */
export async function removeLogo(tx: Tx, workspaceId: string, by: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('workspace_branding')
    .set({
      logo: null,
      logo_type: null,
      logo_sha256: null,
      logo_width: null,
      logo_height: null,
      updated_by: by,
      updated_at: at,
    })
    .where('workspace_id', '=', workspaceId)
    .where('logo', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The logo's bytes and type, or undefined. */
export async function readLogo(
  tx: Tx,
  workspaceId: string,
): Promise<{ bytes: Buffer; type: LogoType; sha256: string } | undefined> {
  const row = await tx
    .selectFrom('workspace_branding')
    .select(['logo', 'logo_type', 'logo_sha256'])
    .where('workspace_id', '=', workspaceId)
    .where('logo', 'is not', null)
    .executeTakeFirst();
  if (!row?.logo || !row.logo_type || !row.logo_sha256) return undefined;
  return { bytes: row.logo, type: row.logo_type as LogoType, sha256: row.logo_sha256 };
}

/**
 * The sender names of workspaces, for the email sender that serves them all (inside `withSystem`:
 * it reads across workspaces, like the sender reads the outbox).
 */
export async function senderNameOf(tx: Tx, workspaceId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('workspace_branding')
    .select('sender_name')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.sender_name ?? null;
}
