// Flex Consumption plan and the .NET 10 isolated-worker function app.
// Every connection is identity-based through one user-assigned identity: no account keys, no SAS,
// no instrumentation keys in app settings. Flex Consumption sets the runtime through
// functionAppConfig.runtime; FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and
// WEBSITE_RUN_FROM_PACKAGE are not allowed as app settings on this plan.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string

@description('The Functions host id (pinned): names the blob trigger\'s dispatch queue, which storage.bicep creates and roles.bicep scopes a role to.')
@maxLength(32)
param hostId string
param storageAccountName string
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string
param facesContainerName string
param modelsContainerName string
param resultsTableName string
param appInsightsConnectionString string

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Batch name for blobs uploaded at the root of the faces container.')
param defaultBatch string = 'default'

@description('Days faces are kept (the storage lifecycle rule): the reconciler deletes rows processed before then.')
param faceRetentionDays int

@description('NCRONTAB schedule of the reconciler (classifies what the blob trigger missed, deletes rows of deleted blobs).')
param reconcileSchedule string = '0 */15 * * * *'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the resource to deploy the `functions` service to by this tag.
  tags: union(tags, {
    'azd-service-name': 'functions'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // Host storage (leases, keys, blob trigger bookkeeping): the same account, by identity, with roles
        // on the host's containers and queues only (roles.bicep).
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // Pinned because the host's blob trigger queue azure-webjobs-blobtrigger-<host id> is created by Bicep
        // (the app may not create queues), so the id must be known here. Unpinned, the host derives it at run
        // time from the platform's site and slot variables (lower case, cut to 32 characters) or, where those
        // are missing, from the machine name: nothing Bicep can compute or rely on.
        {
          name: 'AzureFunctionsWebHost__hostid'
          value: hostId
        }
        // The host's diagnostic events (the portal's "Diagnose and solve problems") live in monthly tables
        // AzureFunctionsDiagnosticEvents<yyyyMM> of AzureWebJobsStorage, which the host lists, creates and
        // deletes. Names that change every month need Storage Table Data Contributor on the whole table service,
        // which would let this identity (it parses untrusted images) delete the results table; tables allow no
        // ABAC condition to narrow that. So the feature is off (the host's own flag): the same events still
        // reach Application Insights and the log stream. See infra/README.md, "First deploy".
        {
          name: 'AzureWebJobsFeatureFlags'
          value: 'DisableDiagnosticEventLogging'
        }
        // The app's own connection (blob trigger on faces, models, results table). The blob trigger
        // with a service-URI connection needs the queue URI too: it writes poison messages to the
        // webjobs-blobtrigger-poison queue of the connection's account.
        {
          name: 'FerStorage__blobServiceUri'
          value: blobEndpoint
        }
        {
          name: 'FerStorage__queueServiceUri'
          value: queueEndpoint
        }
        {
          name: 'FerStorage__tableServiceUri'
          value: tableEndpoint
        }
        {
          name: 'FerStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'FerStorage__clientId'
          value: identityClientId
        }
        {
          name: 'Fer__FacesContainer'
          value: facesContainerName
        }
        {
          name: 'Fer__ModelsContainer'
          value: modelsContainerName
        }
        {
          name: 'Fer__ResultsTable'
          value: resultsTableName
        }
        {
          name: 'Fer__DefaultBatch'
          value: defaultBatch
        }
        {
          name: 'Fer__FaceRetentionDays'
          value: string(faceRetentionDays)
        }
        {
          name: 'FerReconcileSchedule'
          value: reconcileSchedule
        }
        // Telemetry by Entra ID: the connection string names the component and endpoint (not a
        // secret; local auth is disabled), the authentication string tells the host and the worker's
        // Application Insights SDK (Program.cs) which identity to get tokens for: the app's
        // user-assigned identity, which holds Monitoring Metrics Publisher on the component (roles.bicep).
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD;ClientId=${identityClientId}'
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// No publishing with user names and passwords: azd deploys with an Entra ID token.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
