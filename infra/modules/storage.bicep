// The storage account: uploads (faces), model versions (models), training data sets and run checkpoints
// (training), the Flex Consumption app package
// and the results table. Entra ID only: shared keys (and with them SAS) are disabled.
param name string
param location string
param tags object
param facesContainerName string
param modelsContainerName string
param trainingContainerName string
param deploymentContainerName string
param deadLetterContainerName string
param resultsTableName string

@description('Containers of the Functions host (AzureWebJobsStorage), created here so that the app\'s roles can be scoped to them.')
param hostContainerNames array

@description('Every queue the function app uses (reclassify, poison queues, the blob trigger\'s dispatch queue): created here, the app may use only these.')
param queueNames array

@minValue(1)
param faceRetentionDays int

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // The CLI, the deploying user and Event Grid reach the account over the internet; every
      // request still needs an Entra ID token and a data-plane role.
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource facesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: facesContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource modelsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: modelsContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Data sets uploaded with `fer data upload` (<name>/...) and training runs' checkpoints (runs/<run>/...).
resource trainingContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: trainingContainerName
  properties: {
    publicAccess: 'None'
  }
}

// BlobCreated events that Event Grid could not deliver to the blob trigger (a rotated key, the app down past
// Event Grid's retries): the subscription's dead-letter destination (infra/hooks/subscribe-blob-events.sh),
// written by the system topic's identity (events.bicep). The reconciler classifies those blobs anyway.
resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The Functions host's containers. The host would create them itself, but the app's identity holds roles on
// these containers only (roles.bicep), not on the blob service, so they must exist first.
resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [for containerName in hostContainerNames: {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

// Re-classification runs, one message per chunk of blobs (ReclassifyMessages.Name in the app), the poison
// queues and the blob trigger's dispatch queue: created here because the app's identity may use these
// queues only (roles.bicep) and so could not create them.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [for queueName in queueNames: {
  parent: queueService
  name: queueName
}]

resource resultsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: resultsTableName
}

// Faces are personal data: keep them no longer than needed. The rule deletes block blobs under
// faces/ once they have not been modified for faceRetentionDays days; the app's reconciler deletes
// their rows (Fer__FaceRetentionDays, the same value). Dead-lettered events name blobs: same age.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-faces-after-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${facesContainer.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: faceRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'delete-dead-lettered-events-after-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${deadLetterContainer.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: faceRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output facesContainerName string = facesContainer.name
output modelsContainerName string = modelsContainer.name
output trainingContainerName string = trainingContainer.name
output deploymentContainerName string = deploymentContainer.name
output deadLetterContainerName string = deadLetterContainer.name
output deadLetterContainerId string = deadLetterContainer.id
output queueNames array = [for (queueName, i) in queueNames: queues[i].name]
output resultsTableName string = resultsTable.name
