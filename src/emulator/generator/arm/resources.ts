/**
 * Subscriptions and the Resource Graph `Resources` rows (lower-case `type` and resource group,
 * as Resource Graph returns them). Resource count scales with the tenant (~1 per 25 users,
 * at least 10, at most 2,000 so 12 months of daily cost fit the memory budget).
 */
import type { ArmObject } from '../../contract.ts';
import type { GenContext } from '../context.ts';
import type { Rng } from '../prng.ts';
import { countOf } from '../profile.ts';
import {
  DISK_SKUS,
  LOCATIONS,
  PLAN_SKUS,
  PUBLIC_IP_MONTHLY,
  RESOURCE_GROUPS,
  SQL_SKUS,
  VM_SIZES,
  type VmSize,
} from './catalog.ts';

export type Usage = 'busy' | 'rightsize' | 'idle' | 'deallocated' | 'orphan' | 'normal';

export interface ResourceMeta {
  obj: ArmObject;
  type: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  meterCategory: string;
  serviceName: string;
  /** cost per day when in use */
  daily: number;
  /** days before asOf the resource was created (≤ 365 ⇒ cost starts then) */
  ageDays: number;
  usage: Usage;
  /** for deallocated VMs: days since deallocation */
  stoppedDays?: number;
  vm?: VmSize;
  tags: Record<string, string>;
}

export interface ArmPlan {
  subscriptions: ArmObject[];
  resources: ResourceMeta[];
}

export function buildArmResources(ctx: GenContext): ArmPlan {
  const rng = ctx.rng.stream('arm');
  const subCount = ctx.users.length <= 500 ? 1 : ctx.users.length <= 5000 ? 2 : 3;
  const names = ['Production', 'Development', 'Shared services'];
  const subscriptions: ArmObject[] = names.slice(0, subCount).map((displayName) => {
    const subscriptionId = rng.guid();
    return {
      id: `/subscriptions/${subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId,
      tenantId: ctx.tenantId,
      displayName,
      state: 'Enabled',
      subscriptionPolicies: {
        locationPlacementId: 'Public_2014-09-01',
        quotaId: 'EnterpriseAgreement_2014-09-01',
        spendingLimit: 'Off',
      },
    };
  });
  const total = Math.min(2000, Math.max(10, Math.round(ctx.users.length / 25)));
  const b = new Builder(
    ctx,
    rng,
    subscriptions.map((s) => s.subscriptionId as string),
  );
  const vms = Math.max(2, Math.round(total * 0.3));
  const rightsize = countOf(vms, ctx.knobs.rightSizeRate, ctx.knobs.minProblem);
  for (let i = 0; i < vms; i++) b.vm(i < rightsize ? 'rightsize' : 'busy');
  for (let i = 0; i < Math.max(1, Math.round(total * 0.08)); i++) b.plan(false);
  for (let i = 0; i < Math.max(1, Math.round(total * 0.12)); i++) b.storage();
  for (let i = 0; i < Math.max(1, Math.round(total * 0.08)); i++) b.sql();
  const idle = countOf(total, ctx.knobs.idleResourceRate, ctx.profile === 'hardened' ? 0 : 1);
  const idleIds: string[] = [];
  for (let i = 0; i < idle; i++) {
    const kind = (['vmIdle', 'diskUnattached', 'ipUnassociated', 'planEmpty', 'vmDeallocated'] as const)[
      i % 5
    ]!;
    const r =
      kind === 'vmIdle'
        ? b.vm('idle')
        : kind === 'vmDeallocated'
          ? b.vm('deallocated')
          : kind === 'diskUnattached'
            ? b.disk(null)
            : kind === 'ipUnassociated'
              ? b.publicIp(null)
              : b.plan(true);
    idleIds.push(r.obj.id);
  }
  ctx.planted.idleAzureResources = idleIds;
  ctx.planted.notes.rightSizingCandidates = b.all.filter((r) => r.usage === 'rightsize').map((r) => r.obj.id);
  return { subscriptions, resources: b.all };
}

class Builder {
  readonly all: ResourceMeta[] = [];
  private n = 0;
  constructor(
    private readonly ctx: GenContext,
    private readonly rng: Rng,
    private readonly subs: string[],
  ) {}

  private base(
    provider: string,
    type: string,
    name: string,
    meterCategory: string,
    daily: number,
    usage: Usage,
    extra: Partial<ArmObject>,
    parent?: ResourceMeta,
  ): ResourceMeta {
    const rng = this.rng;
    const subscriptionId = parent?.subscriptionId ?? rng.pick(this.subs);
    const resourceGroup = parent?.resourceGroup ?? rng.pick(RESOURCE_GROUPS);
    const location = parent?.location ?? rng.pick(LOCATIONS);
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${name}`;
    const tags = this.tags(resourceGroup);
    const obj: ArmObject = {
      id,
      name: name.split('/').pop()!,
      type: type.toLowerCase(),
      tenantId: this.ctx.tenantId,
      kind: '',
      location,
      resourceGroup,
      subscriptionId,
      managedBy: '',
      sku: null,
      plan: null,
      properties: {},
      tags,
      identity: null,
      zones: null,
      extendedLocation: null,
      ...extra,
    };
    const ageDays = parent?.ageDays ?? (rng.chance(0.75) ? rng.int(366, 1500) : rng.int(20, 365));
    const meta: ResourceMeta = {
      obj,
      type: type.toLowerCase(),
      subscriptionId,
      resourceGroup,
      location,
      meterCategory,
      serviceName: meterCategory,
      daily,
      ageDays,
      usage,
      tags,
    };
    this.all.push(meta);
    return meta;
  }

  private tags(rg: string): Record<string, string> {
    if (
      this.rng.chance(this.ctx.profile === 'neglected' ? 0.6 : this.ctx.profile === 'typical' ? 0.25 : 0.02)
    )
      return {};
    return { env: rg.includes('dev') ? 'dev' : 'prod', costCenter: `CC-${1000 + this.rng.int(1, 9)}` };
  }

  vm(usage: Usage): ResourceMeta {
    const size = usage === 'rightsize' ? this.rng.pick(VM_SIZES.slice(2)) : this.rng.pick(VM_SIZES);
    const name = `vm-${this.seq()}`;
    const m = this.base(
      'Microsoft.Compute',
      'Microsoft.Compute/virtualMachines',
      `virtualMachines/${name}`,
      'Virtual Machines',
      size.hourly * 24,
      usage,
      {},
    );
    m.vm = size;
    if (usage === 'deallocated') m.stoppedDays = this.rng.int(35, 200);
    const disk = this.disk(m);
    m.obj.properties = {
      vmId: this.rng.guid(),
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: size.name },
      storageProfile: {
        osDisk: {
          osType: 'Linux',
          name: disk.obj.name,
          createOption: 'FromImage',
          managedDisk: { id: disk.obj.id },
        },
      },
      networkProfile: {
        networkInterfaces: [
          { id: `${m.obj.id.replace(/virtualMachines\/.*/, '')}networkInterfaces/${name}-nic` },
        ],
      },
      extended: {
        instanceView: {
          powerState: { code: usage === 'deallocated' ? 'PowerState/deallocated' : 'PowerState/running' },
        },
      },
    };
    if (this.rng.chance(0.3)) this.publicIp(m);
    return m;
  }

  /** An OS disk for `vm`, or an unattached disk when `vm` is null (idle). */
  disk(vm: ResourceMeta | null): ResourceMeta {
    const sku = vm ? DISK_SKUS[0] : this.rng.pick(DISK_SKUS);
    const name = vm ? `${vm.obj.name}-osdisk` : `disk-orphan-${this.seq()}`;
    const m = this.base(
      'Microsoft.Compute',
      'Microsoft.Compute/disks',
      `disks/${name}`,
      'Storage',
      sku.monthly / 30,
      vm ? 'normal' : 'orphan',
      {
        managedBy: vm ? vm.obj.id : '',
        sku: { name: sku.name, tier: sku.tier },
      },
      vm ?? undefined,
    );
    m.obj.properties = {
      diskSizeGB: sku.sizeGb,
      diskState: vm ? (vm.usage === 'deallocated' ? 'Reserved' : 'Attached') : 'Unattached',
      provisioningState: 'Succeeded',
      timeCreated: this.ctx.clock.daysAgo(m.ageDays),
    };
    return m;
  }

  publicIp(vm: ResourceMeta | null): ResourceMeta {
    const name = vm ? `${vm.obj.name}-pip` : `pip-unused-${this.seq()}`;
    const m = this.base(
      'Microsoft.Network',
      'Microsoft.Network/publicIPAddresses',
      `publicIPAddresses/${name}`,
      'Virtual Network',
      PUBLIC_IP_MONTHLY / 30,
      vm ? 'normal' : 'orphan',
      {
        sku: { name: 'Standard', tier: 'Regional' },
      },
      vm ?? undefined,
    );
    const ip = `20.${this.rng.int(1, 250)}.${this.rng.int(0, 255)}.${this.rng.int(1, 254)}`;
    m.obj.properties = {
      ipAddress: ip,
      publicIPAllocationMethod: 'Static',
      publicIPAddressVersion: 'IPv4',
      provisioningState: 'Succeeded',
      ...(vm
        ? {
            ipConfiguration: {
              id: `${(vm.obj.properties as { networkProfile: { networkInterfaces: { id: string }[] } }).networkProfile.networkInterfaces[0]!.id}/ipConfigurations/ipconfig1`,
            },
          }
        : {}),
    };
    return m;
  }

  plan(empty: boolean): ResourceMeta {
    const sku = this.rng.pick(PLAN_SKUS);
    const m = this.base(
      'Microsoft.Web',
      'Microsoft.Web/serverfarms',
      `serverfarms/asp-${this.seq()}`,
      'Azure App Service',
      sku.monthly / 30,
      empty ? 'orphan' : 'normal',
      {
        kind: 'linux',
        sku: { name: sku.name, tier: sku.tier, capacity: 1 },
      },
    );
    m.obj.properties = {
      status: 'Ready',
      numberOfSites: empty ? 0 : this.rng.int(1, 6),
      reserved: true,
      provisioningState: 'Succeeded',
    };
    return m;
  }

  storage(): ResourceMeta {
    const m = this.base(
      'Microsoft.Storage',
      'Microsoft.Storage/storageAccounts',
      `storageAccounts/st${this.ctx.slug.slice(0, 10)}${this.seq()}`,
      'Storage',
      this.rng.float(0.3, 25),
      'normal',
      {
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS', tier: 'Standard' },
      },
    );
    m.obj.properties = {
      accessTier: 'Hot',
      allowBlobPublicAccess: this.ctx.profile === 'neglected',
      minimumTlsVersion: this.ctx.profile === 'neglected' ? 'TLS1_0' : 'TLS1_2',
      supportsHttpsTrafficOnly: true,
      provisioningState: 'Succeeded',
    };
    return m;
  }

  sql(): ResourceMeta {
    const sku = this.rng.pick(SQL_SKUS);
    const server = `sql-${this.ctx.slug.slice(0, 10)}-${this.seq()}`;
    const m = this.base(
      'Microsoft.Sql',
      'Microsoft.Sql/servers/databases',
      `servers/${server}/databases/db-${this.seq()}`,
      'SQL Database',
      sku.monthly / 30,
      'normal',
      {
        kind: 'v12.0,user',
        sku: { name: sku.name, tier: sku.tier, capacity: sku.capacity },
      },
    );
    m.obj.properties = {
      status: 'Online',
      collation: 'SQL_Latin1_General_CP1_CI_AS',
      maxSizeBytes: 268435456000,
      zoneRedundant: false,
    };
    return m;
  }

  private seq(): string {
    this.n += 1;
    return String(this.n).padStart(3, '0');
  }
}
