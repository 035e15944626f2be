// A user-assigned managed identity. User-assigned rather than system-assigned so that role
// assignments exist before the app that uses it starts, and survive re-creation of the app.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
