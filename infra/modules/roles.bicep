// Data-plane role assignments, least privilege, each scoped as narrowly as the caller allows.
// Control-plane roles (Contributor, Owner) are never granted here.
param storageAccountName string
param appInsightsName string

@description('Name of the function app\'s user-assigned identity (seeds the assignment names).')
param functionIdentityName string

@description('Principal id of the function app\'s user-assigned identity.')
param functionPrincipalId string

@description('Object id of the deploying user (AZURE_PRINCIPAL_ID); empty: none.')
param userPrincipalId string

param userPrincipalType string

// Built-in role definition ids (the same in every tenant).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Function app: Storage Blob Data Owner on the account. This is the role the Functions host needs
// for an identity-based AzureWebJobsStorage connection, and the one the blob trigger extension
// documents: the host keeps its keys (including the blobs_extension key the Event Grid webhook
// uses) in azure-webjobs-secrets, takes blob leases for its singleton and listener locks and
// writes blob receipts in azure-webjobs-hosts. The same role covers the app's own reads of faces/
// and models/ and the Flex Consumption package container. Narrower container scopes are not
// possible because the host creates its containers itself.
resource functionBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, functionIdentityName, roleIds.storageBlobDataOwner)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Storage Queue Data Contributor. The blob trigger moves a blob that keeps failing to
// the webjobs-blobtrigger-poison queue; the host also uses queues of AzureWebJobsStorage for
// internal coordination. Queues hold no face data.
resource functionQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, functionIdentityName, roleIds.storageQueueDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Storage Table Data Contributor. The classifier upserts one row per blob into the
// emotions table and the HTTP functions read them.
resource functionTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, functionIdentityName, roleIds.storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Monitoring Metrics Publisher on the Application Insights component only. With local
// auth disabled, ingestion accepts telemetry only from identities holding this role.
resource functionMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionIdentityName, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Deploying user: Storage Blob Data Contributor, so that the hooks (publishing the demo model) and
// the CLI (`fer upload`, `fer model publish`, `az storage blob upload --auth-mode login`) can
// write blobs with Entra ID; shared keys are disabled, so an Owner/Contributor role alone would not do.
resource userBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(account.id, userPrincipalId, roleIds.storageBlobDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

// Deploying user: Storage Table Data Contributor, so that `fer results` and
// `az storage entity query --auth-mode login` can read the results (and `fer` can reset rows).
resource userTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(account.id, userPrincipalId, roleIds.storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}
