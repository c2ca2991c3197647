/**
 * SKUs and service plans with Microsoft's real identifiers.
 *
 * Source: Microsoft Learn, "Product names and service plan identifiers for licensing"
 * (learn.microsoft.com/entra/identity/users/licensing-service-plan-reference), cross-checked
 * against the SPE_E5 service-plan listing in MicrosoftDocs `disable-access-to-services-with-
 * microsoft-365-powershell.md` and real `subscribedSkus` dumps. Only plans whose ids were
 * confirmed are listed, so each SKU carries a subset of its real plans, never a made-up one.
 */

export interface ServicePlan {
  id: string;
  name: string;
  /** `assignedPlan.service` as Graph reports it */
  service: string;
}

const plan = (id: string, name: string, service: string): ServicePlan => ({ id, name, service });

export const PLANS = {
  EXCHANGE_S_ENTERPRISE: plan('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE', 'exchange'),
  EXCHANGE_S_STANDARD: plan('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD', 'exchange'),
  SHAREPOINTENTERPRISE: plan('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE', 'SharePoint'),
  SHAREPOINTWAC: plan('e95bec33-7c88-4a70-8e19-b10bd9d0c014', 'SHAREPOINTWAC', 'SharePoint'),
  TEAMS1: plan('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1', 'TeamspaceAPI'),
  OFFICESUBSCRIPTION: plan('43de0ff5-c92c-492b-9116-175376d08c38', 'OFFICESUBSCRIPTION', 'MicrosoftOffice'),
  MCOSTANDARD: plan('0feaeb32-d00e-4d66-bd5a-43b5b83db82c', 'MCOSTANDARD', 'MicrosoftCommunicationsOnline'),
  YAMMER_ENTERPRISE: plan('7547a3fe-08ee-4ccb-b430-5077c5041653', 'YAMMER_ENTERPRISE', 'YammerEnterprise'),
  SWAY: plan('a23b959c-7ce8-4e57-9140-b90eb88a9e97', 'SWAY', 'Sway'),
  PROJECTWORKMANAGEMENT: plan(
    'b737dad2-2f6c-4c65-90e3-ca563267e8b9',
    'PROJECTWORKMANAGEMENT',
    'ProjectWorkManagement',
  ),
  FORMS_PLAN_E3: plan('2789c901-c14e-48ab-a76a-be334d9d793a', 'FORMS_PLAN_E3', 'OfficeForms'),
  FORMS_PLAN_E5: plan('e212cbc7-0961-4c40-9825-01117710dcb1', 'FORMS_PLAN_E5', 'OfficeForms'),
  FLOW_O365_P2: plan('76846ad7-7776-4c40-a281-a386362dd1b9', 'FLOW_O365_P2', 'ProcessSimple'),
  POWERAPPS_O365_P2: plan('c68f8d98-5534-41c8-bf36-22fa496fa792', 'POWERAPPS_O365_P2', 'PowerAppsService'),
  FLOW_O365_P3: plan('07699545-9485-468e-95b6-2fca3738be01', 'FLOW_O365_P3', 'ProcessSimple'),
  POWERAPPS_O365_P3: plan('9c0dab89-a30c-4117-86e7-97bda240acd2', 'POWERAPPS_O365_P3', 'PowerAppsService'),
  STREAM_O365_E3: plan('9e700747-8b1d-45e5-ab8d-ef187ceec156', 'STREAM_O365_E3', 'MicrosoftStream'),
  LOCKBOX_ENTERPRISE: plan('9f431833-0334-42de-a7dc-70aa40db46db', 'LOCKBOX_ENTERPRISE', 'exchange'),
  CUSTOMER_KEY: plan('6db1f1db-2b46-403f-be40-e39395f08dbb', 'CUSTOMER_KEY', 'exchange'),
  MICROSOFTBOOKINGS: plan('199a5c09-e0ca-4e37-8f7c-b05d533e1ea2', 'MICROSOFTBOOKINGS', 'MicrosoftBookings'),
  WHITEBOARD_PLAN3: plan('4a51bca5-1eff-43f5-878c-177680f191af', 'WHITEBOARD_PLAN3', 'WhiteboardServices'),
  MICROSOFTENDPOINTDLP: plan(
    '64bfac92-2b17-4482-b5e5-a0304429de3e',
    'MICROSOFTENDPOINTDLP',
    'MicrosoftEndpointDlp',
  ),
  PROJECT_O365_P3: plan(
    'b21a6b06-1988-436e-a07b-51ec6d9f52ad',
    'PROJECT_O365_P3',
    'ProjectProgramsAndPortfolios',
  ),
  WIN10_PRO_ENT_SUB: plan('21b439ba-a0ca-424f-a6cc-52f954a5b111', 'WIN10_PRO_ENT_SUB', 'WindowsDefenderATP'),
  AAD_PREMIUM: plan('41781fb2-bc02-4b7c-bd55-b576c07bb09d', 'AAD_PREMIUM', 'AADPremiumService'),
  AAD_PREMIUM_P2: plan('eec0eb4f-6444-4f95-aba0-50c24d67f998', 'AAD_PREMIUM_P2', 'AADPremiumService'),
  MFA_PREMIUM: plan('8a256a2b-b617-496d-b51b-e76466e88db0', 'MFA_PREMIUM', 'MultiFactorService'),
  INTUNE_A: plan('c1ec4a95-1f05-45b3-a911-aa3fa01094f5', 'INTUNE_A', 'SCO'),
  RMS_S_ENTERPRISE: plan('bea4c11e-220a-4e6d-8eb8-8ea15d019f90', 'RMS_S_ENTERPRISE', 'RMSOnline'),
  RMS_S_PREMIUM: plan('6c57d4b6-3b23-47a5-9bc9-69f17b4947b3', 'RMS_S_PREMIUM', 'RMSOnline'),
  BI_AZURE_P2: plan('70d33638-9c74-4d01-bfd3-562de28bd4ba', 'BI_AZURE_P2', 'PowerBI'),
  FLOW_P2_VIRAL: plan('50e68c76-46c6-4674-81f9-75456511b170', 'FLOW_P2_VIRAL', 'ProcessSimple'),
} as const;

export type SkuPartNumber =
  | 'ENTERPRISEPACK'
  | 'ENTERPRISEPREMIUM'
  | 'SPE_E3'
  | 'SPE_E5'
  | 'O365_BUSINESS_PREMIUM'
  | 'SPB'
  | 'AAD_PREMIUM'
  | 'AAD_PREMIUM_P2'
  | 'EMS'
  | 'POWER_BI_PRO'
  | 'FLOW_FREE'
  | 'TEAMS_EXPLORATORY';

export interface Sku {
  skuId: string;
  skuPartNumber: SkuPartNumber;
  /** Product name as the M365 usage reports print it (`Assigned Products`, upper case). */
  productName: string;
  plans: ServicePlan[];
  /** Free, self-service ("viral") SKUs: Microsoft shows 10,000 prepaid units. */
  viral?: boolean;
}

const P = PLANS;
const O365_CORE = [
  P.SHAREPOINTENTERPRISE,
  P.SHAREPOINTWAC,
  P.TEAMS1,
  P.OFFICESUBSCRIPTION,
  P.MCOSTANDARD,
  P.YAMMER_ENTERPRISE,
  P.SWAY,
  P.PROJECTWORKMANAGEMENT,
  P.RMS_S_ENTERPRISE,
  P.EXCHANGE_S_ENTERPRISE,
];
const E3_EXTRA = [P.FORMS_PLAN_E3, P.FLOW_O365_P2, P.POWERAPPS_O365_P2, P.STREAM_O365_E3];
const E5_EXTRA = [
  P.FORMS_PLAN_E5,
  P.FLOW_O365_P3,
  P.POWERAPPS_O365_P3,
  P.BI_AZURE_P2,
  P.LOCKBOX_ENTERPRISE,
  P.CUSTOMER_KEY,
  P.MICROSOFTBOOKINGS,
];
const ENTRA_P1 = [P.AAD_PREMIUM, P.MFA_PREMIUM];

export const SKUS: Record<SkuPartNumber, Sku> = {
  ENTERPRISEPACK: {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    skuPartNumber: 'ENTERPRISEPACK',
    productName: 'OFFICE 365 E3',
    plans: [...O365_CORE, ...E3_EXTRA],
  },
  ENTERPRISEPREMIUM: {
    skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df',
    skuPartNumber: 'ENTERPRISEPREMIUM',
    productName: 'OFFICE 365 E5',
    plans: [...O365_CORE, ...E5_EXTRA],
  },
  SPE_E3: {
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    skuPartNumber: 'SPE_E3',
    productName: 'MICROSOFT 365 E3',
    plans: [...O365_CORE, ...E3_EXTRA, ...ENTRA_P1, P.INTUNE_A, P.RMS_S_PREMIUM, P.WIN10_PRO_ENT_SUB],
  },
  SPE_E5: {
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    skuPartNumber: 'SPE_E5',
    productName: 'MICROSOFT 365 E5',
    plans: [
      ...O365_CORE,
      ...E5_EXTRA,
      ...ENTRA_P1,
      P.AAD_PREMIUM_P2,
      P.INTUNE_A,
      P.RMS_S_PREMIUM,
      P.WIN10_PRO_ENT_SUB,
      P.WHITEBOARD_PLAN3,
      P.MICROSOFTENDPOINTDLP,
      P.PROJECT_O365_P3,
    ],
  },
  O365_BUSINESS_PREMIUM: {
    skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
    skuPartNumber: 'O365_BUSINESS_PREMIUM',
    productName: 'MICROSOFT 365 BUSINESS STANDARD',
    plans: [P.EXCHANGE_S_STANDARD, P.SHAREPOINTWAC, P.TEAMS1, P.MCOSTANDARD, P.YAMMER_ENTERPRISE, P.SWAY],
  },
  SPB: {
    skuId: 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46',
    skuPartNumber: 'SPB',
    productName: 'MICROSOFT 365 BUSINESS PREMIUM',
    plans: [P.EXCHANGE_S_STANDARD, P.SHAREPOINTWAC, P.TEAMS1, ...ENTRA_P1, P.INTUNE_A, P.RMS_S_ENTERPRISE],
  },
  AAD_PREMIUM: {
    skuId: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4',
    skuPartNumber: 'AAD_PREMIUM',
    productName: 'MICROSOFT ENTRA ID P1',
    plans: [...ENTRA_P1],
  },
  AAD_PREMIUM_P2: {
    skuId: '84a661c4-e949-4bd2-a560-ed7766fcaf2b',
    skuPartNumber: 'AAD_PREMIUM_P2',
    productName: 'MICROSOFT ENTRA ID P2',
    plans: [...ENTRA_P1, P.AAD_PREMIUM_P2],
  },
  EMS: {
    skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
    skuPartNumber: 'EMS',
    productName: 'ENTERPRISE MOBILITY + SECURITY E3',
    plans: [...ENTRA_P1, P.INTUNE_A, P.RMS_S_PREMIUM, P.RMS_S_ENTERPRISE],
  },
  POWER_BI_PRO: {
    skuId: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
    skuPartNumber: 'POWER_BI_PRO',
    productName: 'POWER BI PRO',
    plans: [P.BI_AZURE_P2],
  },
  FLOW_FREE: {
    skuId: 'f30db892-07e9-47e9-837c-80727f46fd3d',
    skuPartNumber: 'FLOW_FREE',
    productName: 'MICROSOFT POWER AUTOMATE FREE',
    plans: [P.FLOW_P2_VIRAL],
    viral: true,
  },
  TEAMS_EXPLORATORY: {
    skuId: '710779e8-3d4a-4c88-adb9-386c958d1fdf',
    skuPartNumber: 'TEAMS_EXPLORATORY',
    productName: 'MICROSOFT TEAMS EXPLORATORY',
    plans: [P.TEAMS1],
    viral: true,
  },
};

/**
 * "Suite includes standalone" pairs: holding both is paying twice. Licence analysis can import
 * this table; `planted.overlappingLicences` is computed with it.
 */
export const SKU_INCLUDES: Partial<Record<SkuPartNumber, SkuPartNumber[]>> = {
  SPE_E5: [
    'SPE_E3',
    'ENTERPRISEPREMIUM',
    'ENTERPRISEPACK',
    'AAD_PREMIUM',
    'AAD_PREMIUM_P2',
    'EMS',
    'POWER_BI_PRO',
  ],
  SPE_E3: ['ENTERPRISEPACK', 'AAD_PREMIUM', 'EMS'],
  ENTERPRISEPREMIUM: ['ENTERPRISEPACK', 'POWER_BI_PRO'],
  SPB: ['O365_BUSINESS_PREMIUM', 'AAD_PREMIUM'],
  EMS: ['AAD_PREMIUM'],
  AAD_PREMIUM_P2: ['AAD_PREMIUM'],
};

export const SKU_BY_ID: ReadonlyMap<string, Sku> = new Map(Object.values(SKUS).map((s) => [s.skuId, s]));

/** The Entra plan a set of SKUs gives (P2 service plan ⇒ P2, P1 plan ⇒ P1). */
export function entraPlanOf(parts: Iterable<SkuPartNumber>): 'free' | 'P1' | 'P2' {
  let plan: 'free' | 'P1' | 'P2' = 'free';
  for (const part of parts) {
    const ids = SKUS[part].plans.map((p) => p.id);
    if (ids.includes(PLANS.AAD_PREMIUM_P2.id)) return 'P2';
    if (ids.includes(PLANS.AAD_PREMIUM.id)) plan = 'P1';
  }
  return plan;
}

/** For one user's SKUs, those that take part in an overlap (sorted), or [] when none. */
export function overlappingSkuIds(parts: readonly SkuPartNumber[]): string[] {
  const involved = new Set<SkuPartNumber>();
  for (const suite of parts) {
    for (const included of SKU_INCLUDES[suite] ?? []) {
      if (parts.includes(included)) {
        involved.add(suite);
        involved.add(included);
      }
    }
  }
  return [...involved].map((p) => SKUS[p].skuId).sort();
}
