// The Event Grid system topic for the storage account. The blob trigger of a Flex Consumption app
// has one source, Event Grid: BlobCreated events on faces/ are pushed to the function's webhook.
// The event subscription is created by infra/hooks/subscribe-blob-events.sh after deployment,
// because its endpoint carries the host's blobs_extension system key, which exists only once the
// deployed code has started with the blob extension (and Event Grid validates the endpoint when
// the subscription is created, so the function must already answer).
param name string
param location string
param tags object
param storageAccountName string
param deadLetterContainerName string

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  // Writes undeliverable events to the dead-letter container: shared keys are off, so Event Grid needs an identity.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' existing = {
  parent: account
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

// Storage Blob Data Contributor on the dead-letter container only.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, systemTopic.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = systemTopic.name
output id string = systemTopic.id
