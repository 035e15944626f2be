// Optional GPU VM for training with TorchSharp's CUDA package (build with -p:TorchBackend=cuda).
// SSH with a key only, reachable on port 22 from one address range; a user-assigned identity that
// can write the models container and nothing else, so a trained model can be published with
// `fer model publish DIR --promote` without any secret on the VM.
param name string
param identityName string
param location string
param tags object
param vmSize string
param adminUsername string
param sshPublicKey string
param sshSourceCidr string
param repositoryUrl string
param storageAccountName string
param blobEndpoint string
param modelsContainerName string

@minValue(64)
param osDiskSizeGB int = 256

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// Fail the deployment with a clear message rather than with an invalid NSG rule or an unreachable VM.
var checkedSshPublicKey = empty(sshPublicKey)
  ? fail('trainingVmSshPublicKey is required when deployTrainingVm is true: azd env set FER_TRAINING_VM_SSH_PUBLIC_KEY "<contents of your .pub file>".')
  : sshPublicKey
var checkedSshSourceCidr = contains(['', '*', 'any', 'internet', '0.0.0.0/0'], toLower(sshSourceCidr))
  ? fail('trainingVmSshSourceCidr must name the address range allowed to SSH (e.g. your public IP/32): azd env set FER_TRAINING_VM_SSH_CIDR <ip>/32.')
  : sshSourceCidr

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource models 'containers' existing = {
      name: modelsContainerName
    }
  }
}

// Storage Blob Data Contributor on the models container only: the VM publishes model versions and
// moves fer/current.json; it cannot read uploaded faces or the results table.
resource modelsWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::models.id, identity.id, storageBlobDataContributor)
  scope: account::blobService::models
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${name}'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'AllowSshFromAdminRange'
        properties: {
          priority: 1000
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: checkedSshSourceCidr
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '22'
        }
      }
      {
        name: 'DenyAllOtherInternetInbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.42.0.0/24'
      ]
    }
    subnets: [
      {
        name: 'training'
        properties: {
          addressPrefix: '10.42.0.0/26'
          networkSecurityGroup: {
            id: nsg.id
          }
        }
      }
    ]
  }
}

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${name}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource nic 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: 'nic-${name}'
  location: location
  tags: tags
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig1'
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          subnet: {
            id: vnet.properties.subnets[0].id
          }
          publicIPAddress: {
            id: publicIp.id
          }
        }
      }
    ]
  }
}

var cloudInit = reduce(
  [
    { token: '__ADMIN_USER__', value: adminUsername }
    { token: '__REPOSITORY_URL__', value: replace(repositoryUrl, '\'', '') }
    { token: '__IDENTITY_CLIENT_ID__', value: identity.properties.clientId }
    { token: '__BLOB_ENDPOINT__', value: blobEndpoint }
    { token: '__MODELS_CONTAINER__', value: modelsContainerName }
  ],
  loadTextContent('training-vm.cloud-init.yaml'),
  (text, item) => replace(text, item.token, item.value)
)

resource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    hardwareProfile: {
      vmSize: vmSize
    }
    osProfile: {
      computerName: take(name, 64)
      adminUsername: adminUsername
      customData: base64(cloudInit)
      linuxConfiguration: {
        disablePasswordAuthentication: true
        ssh: {
          publicKeys: [
            {
              path: '/home/${adminUsername}/.ssh/authorized_keys'
              keyData: checkedSshPublicKey
            }
          ]
        }
      }
    }
    storageProfile: {
      imageReference: {
        publisher: 'Canonical'
        offer: 'ubuntu-24_04-lts'
        sku: 'server'
        version: 'latest'
      }
      osDisk: {
        createOption: 'FromImage'
        diskSizeGB: osDiskSizeGB
        deleteOption: 'Delete'
        managedDisk: {
          storageAccountType: 'Premium_LRS'
        }
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: nic.id
          properties: {
            deleteOption: 'Delete'
          }
        }
      ]
    }
  }
  dependsOn: [
    // cloud-init may publish as soon as it finishes; have the role in place before the VM exists.
    modelsWriter
  ]
}

output name string = vm.name
output publicIpAddress string = publicIp.properties.ipAddress
output sshCommand string = 'ssh ${adminUsername}@${publicIp.properties.ipAddress}'
output identityClientId string = identity.properties.clientId
