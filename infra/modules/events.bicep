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

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
output id string = systemTopic.id
