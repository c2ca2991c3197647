import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import type { Tenant } from '../types.ts';
import { Async, Badge, NotFoundOr, TabNav } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { BaselineTab } from './BaselineTab.tsx';
import { DriftTab } from './DriftTab.tsx';
import { FindingDetailView } from './FindingDetailView.tsx';
import { LicencesTab } from './LicencesTab.tsx';
import { PostureTab } from './PostureTab.tsx';
import { SyncTab } from './SyncTab.tsx';

const TABS = [
  { key: 'posture', label: 'Posture' },
  { key: 'drift', label: 'Drift' },
  { key: 'baseline', label: 'Baseline' },
  { key: 'licences', label: 'Licences' },
  { key: 'sync', label: 'Sync' },
];

const STATUS_TONE = { connected: 'ok', new: 'muted', paused: 'warn', disconnected: 'bad' } as const;

export function TenantPage({ tenantId, tab, item }: { tenantId: string; tab: string; item: string | null }) {
  const loaded = useApi<Tenant>(`/api/tenants/${encodeURIComponent(tenantId)}`);
  return (
    <NotFoundOr loaded={loaded} what="this tenant">
      <Async loaded={loaded} what="the tenant">
        {(tenant) => (
          <>
            <nav aria-label="Breadcrumb" className="crumbs">
              <Link href="/">Tenants</Link> <span aria-hidden="true">/</span>{' '}
              <span>{tenant.displayName}</span>
            </nav>
            <header className="page-header">
              <div>
                <h1>{tenant.displayName}</h1>
                <p className="muted small">
                  <span className="mono">{tenant.microsoftTenantId}</span> ·{' '}
                  <Badge tone={STATUS_TONE[tenant.status]}>{tenant.status}</Badge> · last sync{' '}
                  {formatDateTime(tenant.lastSyncAt)}
                  {tenant.statusReason && <> · {tenant.statusReason}</>}
                </p>
              </div>
            </header>
            <TabNav
              label="Tenant views"
              current={tab}
              tabs={TABS.map((t) => ({ ...t, href: `/tenants/${tenant.id}/${t.key}` }))}
            />
            <div className="tab-panel">{body(tenant, tab, item)}</div>
          </>
        )}
      </Async>
    </NotFoundOr>
  );
}

function body(tenant: Tenant, tab: string, item: string | null) {
  if (tab === 'posture' && item) return <FindingDetailView tenant={tenant} checkId={item} />;
  if (tab === 'posture') return <PostureTab tenant={tenant} />;
  if (tab === 'drift') return <DriftTab tenant={tenant} eventId={item} />;
  if (tab === 'baseline') return <BaselineTab tenant={tenant} />;
  if (tab === 'licences') return <LicencesTab tenant={tenant} />;
  if (tab === 'sync') return <SyncTab tenant={tenant} />;
  return <p>There is no “{tab}” view. Choose one of the tabs above.</p>;
}
