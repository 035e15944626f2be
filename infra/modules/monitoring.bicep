// Log Analytics and workspace-based Application Insights. Local (key-based) authentication is off on
// both: telemetry is accepted only from Entra ID identities (the function app's identity holds
// Monitoring Metrics Publisher, see roles.bicep), and queries need Entra ID too.
param location string
param tags object
param logAnalyticsName string
param appInsightsName string

@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    RetentionInDays: retentionInDays
  }
}

output appInsightsName string = appInsights.name
// The connection string identifies the component and its ingestion endpoint; with local auth
// disabled it grants nothing by itself (ingestion needs an Entra ID token).
output appInsightsConnectionString string = appInsights.properties.ConnectionString
output logAnalyticsName string = workspace.name
