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

@description('Container the app classifies, uploads to (POST /api/classify?batch=) and deletes from (DELETE /api/batches/{batch}).')
param facesContainerName string

@description('Container of model versions and the serving pointer: the app only reads it.')
param modelsContainerName string

@description('Container of the Flex Consumption app package (functionAppConfig.deployment.storage).')
param deploymentContainerName string

@description('The Functions host\'s containers (azure-webjobs-hosts, azure-webjobs-secrets), created by storage.bicep.')
param hostContainerNames array

@description('The queues the app uses, created by storage.bicep.')
param queueNames array

@description('The results table (rows, and reclassify run state under partition ~reclassify).')
param resultsTableName string

// Built-in role definition ids (the same in every tenant).
var roleIds = {
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource faces 'containers' existing = {
      name: facesContainerName
    }

    resource models 'containers' existing = {
      name: modelsContainerName
    }

    resource deployment 'containers' existing = {
      name: deploymentContainerName
    }
  }

  resource tableService 'tableServices' existing = {
    name: 'default'

    resource results 'tables' existing = {
      name: resultsTableName
    }
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' existing = [for containerName in hostContainerNames: {
  parent: account::blobService
  name: containerName
}]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' existing = [for queueName in queueNames: {
  parent: account::queueService
  name: queueName
}]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// The function app's identity holds no data role on the whole account. It parses untrusted images, so it
// may not write models (a model version or fer/current.json), the training data or the dead letters.

// Function app: Storage Blob Data Contributor on faces. The blob trigger and the reconciler read uploads,
// POST /api/classify?batch= uploads into faces, DELETE /api/batches/{batch} deletes a batch's blobs.
resource functionFaces 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::faces.id, functionIdentityName, roleIds.storageBlobDataContributor)
  scope: account::blobService::faces
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Storage Blob Data Reader on models. It reads fer/current.json and the versions it names;
// publishing and promoting are for the training VM (versions only) and people.
resource functionModels 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::models.id, functionIdentityName, roleIds.storageBlobDataReader)
  scope: account::blobService::models
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataReader)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Storage Blob Data Contributor on the package container. Flex Consumption reads the app
// package from it with this identity, and a deployment (azd deploy, through the app's publish endpoint)
// writes it.
resource functionPackage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::deployment.id, functionIdentityName, roleIds.storageBlobDataContributor)
  scope: account::blobService::deployment
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Storage Blob Data Contributor on the host's containers (identity-based AzureWebJobsStorage):
// azure-webjobs-hosts (singleton and timer locks as blob leases, timer schedule status, blob trigger
// receipts, the host id) and azure-webjobs-secrets (the host's keys, among them blobs_extension, which the
// Event Grid webhook presents). Leases and writes need no more than Contributor.
resource functionHostContainers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (containerName, i) in hostContainerNames: {
  name: guid(hostContainers[i].id, functionIdentityName, roleIds.storageBlobDataContributor)
  scope: hostContainers[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// The host's AzureWebJobsStorage health check lists containers (one page of List Containers, every 30 seconds)
// and reports Unhealthy when it cannot: an account-level call that the container-scoped roles above do not cover.
// This role allows exactly that action, on the blob service: container names and properties, no blob, no write.
// Storage Blob Data Reader there would also read every blob (training data, dead letters); Reader would add the
// service's other properties.
resource listContainersRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, functionIdentityName, 'list-blob-containers')
  properties: {
    roleName: 'Fer function app: list blob containers (${functionIdentityName})'
    description: 'List the containers of the Fer storage account (the Functions host\'s storage health check); no blob data.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/read'
        ]
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource functionListContainers 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService.id, functionIdentityName, 'list-blob-containers')
  scope: account::blobService
  properties: {
    roleDefinitionId: listContainersRole.id
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Function app: Storage Queue Data Contributor on each of its queues: reclassify (POST /reclassify sends,
// ReclassifyChunk receives) and reclassify-poison, webjobs-blobtrigger-poison (the blob trigger sends a blob
// that failed five times, RecordPoisonedBlob receives) and its poison queue, and the blob trigger's dispatch
// queue azure-webjobs-blobtrigger-<host id>. Send and receive (delete, update visibility) are both needed.
resource functionQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (queueName, i) in queueNames: {
  name: guid(queues[i].id, functionIdentityName, roleIds.storageQueueDataContributor)
  scope: queues[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// Function app: Storage Table Data Contributor on the results table only: rows (upsert, query, delete)
// and the reclassify run state (partition ~reclassify).
resource functionResults 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::tableService::results.id, functionIdentityName, roleIds.storageTableDataContributor)
  scope: account::tableService::results
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
