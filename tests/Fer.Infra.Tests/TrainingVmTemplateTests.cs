using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class TrainingVmTemplateTests
{
    private static readonly string[] TrainingVmTypes =
    [
        "Microsoft.Compute/virtualMachines", "Microsoft.Network/networkSecurityGroups", "Microsoft.Network/virtualNetworks",
        "Microsoft.Network/publicIPAddresses", "Microsoft.Network/networkInterfaces", "Microsoft.DevTestLab/schedules",
    ];

    private static PredictedResource Vm => MainSnapshot.Custom.Single("Microsoft.Compute/virtualMachines");

    [Fact]
    public void Training_VM_is_deployed_only_when_asked_for()
    {
        // Defaults: deployTrainingVm is false, and nothing of the VM is predicted; Custom sets it.
        Assert.All(TrainingVmTypes, type => Assert.Empty(MainSnapshot.Defaults.OfType(type)));
        Assert.All(TrainingVmTypes, type => Assert.Single(MainSnapshot.Custom.OfType(type)));
        Assert.Single(MainSnapshot.Defaults.OfType("Microsoft.ManagedIdentity/userAssignedIdentities")); // the function app's only
        Assert.Equal(2, MainSnapshot.Custom.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Count);
        // The VM's self-deallocation role comes with it; the function app's container-listing role is always there.
        Assert.Single(MainSnapshot.Defaults.OfType("Microsoft.Authorization/roleDefinitions"));
        Assert.Equal(2, MainSnapshot.Custom.OfType("Microsoft.Authorization/roleDefinitions").Count);
    }

    [Fact]
    public void Training_VM_accepts_SSH_keys_only()
    {
        Assert.True(Vm["properties.osProfile.linuxConfiguration.disablePasswordAuthentication"]!.GetValue<bool>());
        Assert.Null(Vm["properties.osProfile.adminPassword"]);
        var key = Assert.Single(Vm["properties.osProfile.linuxConfiguration.ssh.publicKeys"]!.AsArray());
        Assert.Equal(MainSnapshot.SshPublicKey, (string?)key!["keyData"]);
        Assert.Equal($"/home/{MainSnapshot.TrainingVmAdmin}/.ssh/authorized_keys", (string?)key["path"]);
        Assert.Equal(MainSnapshot.TrainingVmAdmin, Vm.String("properties.osProfile.adminUsername")); // the parameter, not a literal
    }

    [Fact]
    public void Training_VM_runs_Ubuntu_24_04_on_a_T4_by_default()
    {
        Assert.Equal("Canonical", Vm.String("properties.storageProfile.imageReference.publisher"));
        Assert.Equal("ubuntu-24_04-lts", Vm.String("properties.storageProfile.imageReference.offer"));
        Assert.Equal("server", Vm.String("properties.storageProfile.imageReference.sku"));
        Assert.Equal("Standard_NC4as_T4_v3", Vm.String("properties.hardwareProfile.vmSize")); // Custom leaves trainingVmSize at its default
        Assert.Equal("UserAssigned", Vm.String("identity.type"));
    }

    [Fact]
    public void Training_VM_network_allows_inbound_SSH_only_from_the_given_range()
    {
        var nsg = MainSnapshot.Custom.Single("Microsoft.Network/networkSecurityGroups");
        var inboundAllows = nsg["properties.securityRules"]!.AsArray().OfType<JsonObject>()
            .Select(rule => rule["properties"]!.AsObject())
            .Where(rule => (string?)rule["direction"] == "Inbound" && (string?)rule["access"] == "Allow")
            .ToList();

        var ssh = Assert.Single(inboundAllows);
        Assert.Equal("22", (string?)ssh["destinationPortRange"]);
        Assert.Equal("Tcp", (string?)ssh["protocol"]);
        Assert.Equal(MainSnapshot.SshSourceCidr, (string?)ssh["sourceAddressPrefix"]);

        // The subnet carries the NSG.
        var vnet = MainSnapshot.Custom.Single("Microsoft.Network/virtualNetworks");
        Assert.Equal(nsg.Id, vnet.String("properties.subnets.0.properties.networkSecurityGroup.id"));
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("*")]
    public void Training_VM_deployment_fails_for_an_SSH_range_open_to_everyone(string cidr)
    {
        var run = MainSnapshot.TryCustom(("trainingVmSshSourceCidr", cidr));

        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Contains("trainingVmSshSourceCidr must name the address range allowed to SSH", run.Process.StandardOutput + run.Process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Cloud_init_installs_the_NVIDIA_driver_dotnet_10_and_git_and_clones_the_repository()
    {
        var cloudInit = File.ReadAllText(RepositoryRoot.Combine("infra", "modules", "training-vm.cloud-init.yaml"));

        Assert.StartsWith("#cloud-config", cloudInit, StringComparison.Ordinal);
        Assert.Contains("[ ubuntu-drivers, install ]", cloudInit, StringComparison.Ordinal);
        Assert.Contains("dotnet-sdk-10.0", cloudInit, StringComparison.Ordinal);
        Assert.Contains("- git", cloudInit, StringComparison.Ordinal);
        Assert.Contains("git clone", cloudInit, StringComparison.Ordinal);
        Assert.Contains("__REPOSITORY_URL__", cloudInit, StringComparison.Ordinal);
        // base64() of the placeholders replaced (reduce() is left to the deployment: one value is an identity's client id).
        var customData = Vm.String("properties.osProfile.customData")!;
        Assert.StartsWith("[base64(", customData, StringComparison.Ordinal);
        Assert.Contains("createObject('token', '__REPOSITORY_URL__', 'value', 'https://example.com/fer.git')", customData, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_VM_is_deallocated_daily_and_is_a_regular_VM_by_default()
    {
        var schedule = MainSnapshot.Custom.Single("Microsoft.DevTestLab/schedules");
        Assert.Equal("ComputeVmShutdownTask", schedule.String("properties.taskType"));
        Assert.Equal("Enabled", schedule.String("properties.status"));
        Assert.Equal(Vm.Id, schedule.String("properties.targetResourceId"));
        Assert.Equal($"shutdown-computevm-{Vm.Name}", schedule.Name); // the name the portal expects
        Assert.Equal("2300", schedule.String("properties.dailyRecurrence.time")); // trainingVmAutoShutdownTime's default

        Assert.Equal("Regular", Vm.String("properties.priority")); // trainingVmSpot's default: false
        Assert.Null(Vm["properties.evictionPolicy"]);
    }

    [Fact]
    public void Training_VM_can_be_a_Spot_VM_that_is_deallocated_when_evicted()
    {
        var vm = MainSnapshot.CustomSpot.Single("Microsoft.Compute/virtualMachines");

        Assert.Equal("Spot", vm.String("properties.priority"));
        Assert.Equal("Deallocate", vm.String("properties.evictionPolicy")); // the disk, and the run on it, survive
    }

    [Fact]
    public void Cloud_init_installs_a_training_job_unit_that_resumes_and_deallocates_the_VM()
    {
        var cloudInit = File.ReadAllText(RepositoryRoot.Combine("infra", "modules", "training-vm.cloud-init.yaml"));

        Assert.Contains("path: /etc/systemd/system/fer-train-job.service", cloudInit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/bin/fer-train-job run", cloudInit, StringComparison.Ordinal);
        Assert.Contains("ExecStopPost=+/usr/local/bin/fer-train-job finish", cloudInit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target", cloudInit, StringComparison.Ordinal);
        Assert.Contains("-p:TorchBackend=cuda", cloudInit, StringComparison.Ordinal);
        Assert.Contains("train --resume \"$runs/$FER_JOB_RUN\" --account \"$FER_STORAGE_ACCOUNT\"", cloudInit, StringComparison.Ordinal);
        Assert.Contains("[ \"$status\" -eq 4 ]", cloudInit, StringComparison.Ordinal); // fer-train's exit code for "no such run"
        Assert.Contains("/deallocate?api-version=", cloudInit, StringComparison.Ordinal);
        Assert.Contains("__STORAGE_ACCOUNT__", cloudInit, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_give_the_exact_training_commands()
    {
        var snapshot = MainSnapshot.Custom;
        var account = snapshot.Single("Microsoft.Storage/storageAccounts").Name;

        Assert.Equal($"fer data upload DIR --name fer2013 --account {account}", snapshot.Output("FER_TRAINING_DATA_UPLOAD_COMMAND"));
        // The commands start with the ssh command, whose address is known only once the public IP exists.
        var job = snapshot.Output("FER_TRAINING_JOB_COMMAND")!;
        Assert.Contains("sudo fer-train-job start r1 --data blob:fer2013 --device cuda", job, StringComparison.Ordinal);
        Assert.Contains("--publish", job, StringComparison.Ordinal);
        Assert.DoesNotContain("--promote", job, StringComparison.Ordinal); // the VM may not promote
        Assert.Contains($"ssh {{0}}@{{1}}', '{MainSnapshot.TrainingVmAdmin}'", job, StringComparison.Ordinal);
        Assert.Contains("journalctl -u fer-train-job", snapshot.Output("FER_TRAINING_JOB_LOGS_COMMAND"), StringComparison.Ordinal);
        Assert.Equal($"az vm start -g {snapshot.Output("AZURE_RESOURCE_GROUP")} -n {Vm.Name}", snapshot.Output("FER_TRAINING_VM_START_COMMAND"));
        Assert.Equal("training", snapshot.Output("FER_TRAINING_CONTAINER"));

        // Without the VM there is nothing to run.
        Assert.Equal(string.Empty, MainSnapshot.Defaults.Output("FER_TRAINING_JOB_COMMAND"));
    }
}
